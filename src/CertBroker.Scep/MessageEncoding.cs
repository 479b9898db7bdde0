using System.Buffers;

namespace CertBroker.Scep;

/// <summary>
/// Decodes the base64 message of a GET PKIOperation (RFC 8894 §4.1). Clients send it in many shapes: '+' left raw
/// (it must not become a space), percent-escaped or raw line breaks, the URL-safe alphabet, padding missing or
/// escaped. Decoding works on the raw query value for that reason.
/// </summary>
public static class MessageEncoding
{
    /// <summary>Decodes a raw (still percent-encoded) query value, or returns null when it is not base64.</summary>
    public static byte[]? DecodeQueryValue(ReadOnlySpan<char> rawValue, int maxDecodedLength)
    {
        // Worst case every base64 character arrives percent-escaped (three characters each).
        if (rawValue.Length > (((maxDecodedLength + 2) / 3 * 4) + 64) * 3)
        {
            return null;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(rawValue.Length + 3);
        try
        {
            int length = 0;
            for (int i = 0; i < rawValue.Length; i++)
            {
                char c = rawValue[i];
                if (c == '%' && i + 2 < rawValue.Length && IsHex(rawValue[i + 1]) && IsHex(rawValue[i + 2]))
                {
                    c = (char)((HexValue(rawValue[i + 1]) << 4) | HexValue(rawValue[i + 2]));
                    i += 2;
                }

                switch (c)
                {
                    case '-':
                        buffer[length++] = '+';
                        break;
                    case '_':
                        buffer[length++] = '/';
                        break;
                    case ' ' or '\r' or '\n' or '\t':
                        break;
                    default:
                        buffer[length++] = c;
                        break;
                }
            }

            while (length % 4 != 0)
            {
                buffer[length++] = '=';
            }

            byte[] decoded = new byte[length / 4 * 3];
            return Convert.TryFromBase64Chars(buffer.AsSpan(0, length), decoded, out int written) && written <= maxDecodedLength
                ? decoded.AsSpan(0, written).ToArray()
                : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Encodes a message for a GET request: standard base64, percent-escaped for a query string.</summary>
    public static string EncodeQueryValue(ReadOnlySpan<byte> message) => Uri.EscapeDataString(Convert.ToBase64String(message));
}
