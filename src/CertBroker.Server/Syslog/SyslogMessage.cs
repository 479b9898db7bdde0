using System.Globalization;
using System.Text;

using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>
/// Encodes an event as an RFC 5424 message (§6):
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID name="value" …] BOM MSG</c>.
/// Never throws on content: header fields are cut to their limits and characters they cannot carry become <c>_</c>.
/// </summary>
/// <remarks>
/// Values come from devices and anonymous callers (a CN, a user name), so no control character reaches the wire: in MSG
/// and in PARAM-VALUE each one (C0, DEL, C1, and the Unicode line and paragraph separators) becomes <c>#</c> and its
/// code in three or more octal digits, as rsyslog writes them on receipt (<c>\n</c> is <c>#012</c>). A CN holding
/// <c>\n&lt;36&gt;1 …</c> cannot start a line of its own in a receiver that writes text files. <c>#</c> itself is left as
/// it is, as rsyslog does, so <c>#012</c> in a message may also have been typed.
/// </remarks>
public static class SyslogMessage
{
    public const int MaxHostnameLength = 255;
    public const int MaxAppNameLength = 48;
    public const int MaxProcIdLength = 128;
    public const int MaxMessageIdLength = 32;
    public const int MaxSdNameLength = 32;

    /// <summary>Stands for an absent field (§6.2).</summary>
    public const string NilValue = "-";

    // C0, DEL and C1 (what char.IsControl means), plus the two characters Unicode defines as line breaks.
    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i), '\u2028', '\u2029']);

    // §6.4: MSG in UTF-8 starts with the byte order mark so receivers know it is UTF-8.
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The message as sent, at most <paramref name="maxBytes"/> octets once the header fits. When too long, the end of
    /// MSG goes first (cut on a character boundary), then structured-data parameters that no longer fit: the SIEM
    /// parses the parameters, the text is for people.
    /// </summary>
    public static byte[] Format(SyslogEvent syslogEvent, SyslogOrigin origin, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(syslogEvent);
        ArgumentNullException.ThrowIfNull(origin);

        byte[] header = Encoding.ASCII.GetBytes(Header(syslogEvent, origin));
        byte[] structuredData = StructuredData(syslogEvent.Fields, origin.StructuredDataId, maxBytes - header.Length);
        byte[] text = Text(syslogEvent.Message, maxBytes - header.Length - structuredData.Length);

        byte[] message = new byte[header.Length + structuredData.Length + text.Length];
        header.CopyTo(message, 0);
        structuredData.CopyTo(message, header.Length);
        text.CopyTo(message, header.Length + structuredData.Length);
        return message;
    }

    /// <summary>PRI = facility × 8 + severity (§6.2.1).</summary>
    public static int Priority(SyslogFacility facility, SyslogSeverity severity) => ((int)facility * 8) + (int)severity;

    private static string Header(SyslogEvent syslogEvent, SyslogOrigin origin)
    {
        // §6.2.3: RFC 3339 in UTC with at most six fraction digits; "-" when the time is unknown.
        string timestamp = syslogEvent.Timestamp == default
            ? NilValue
            : syslogEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        string priority = Priority(origin.Facility, syslogEvent.Severity).ToString(CultureInfo.InvariantCulture);
        return string.Join(
            ' ',
            "<" + priority + ">1",
            timestamp,
            HeaderField(origin.Hostname, MaxHostnameLength),
            HeaderField(origin.AppName, MaxAppNameLength),
            HeaderField(origin.ProcId, MaxProcIdLength),
            HeaderField(syslogEvent.MessageId, MaxMessageIdLength),
            string.Empty);
    }

    /// <summary>§6: header fields are 1 to N printable US-ASCII characters (33–126), or the NILVALUE.</summary>
    private static string HeaderField(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return NilValue;
        }

        return Printable(value, maxLength, static c => c is >= '!' and <= '~');
    }

    /// <summary>§6.3.3: SD-NAME is 1 to 32 printable US-ASCII characters except '=', SP, ']' and '"'.</summary>
    private static string SdName(string value) =>
        Printable(value, MaxSdNameLength, static c => c is >= '!' and <= '~' and not '=' and not ']' and not '"');

    private static string Printable(string value, int maxLength, Func<char, bool> allowed)
    {
        var result = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (char c in value.AsSpan(0, Math.Min(value.Length, maxLength)))
        {
            result.Append(allowed(c) ? c : '_');
        }

        return result.ToString();
    }

    /// <summary>
    /// One SD-ELEMENT with the fields that fit in <paramref name="room"/> octets, in order; the NILVALUE when there
    /// are none.
    /// </summary>
    private static byte[] StructuredData(IReadOnlyDictionary<string, string?>? fields, string sdId, int room)
    {
        byte[] open = Encoding.ASCII.GetBytes("[" + SdName(sdId));
        int length = open.Length + 1;
        var parameters = new List<byte[]>();
        foreach ((string name, string? value) in fields ?? new Dictionary<string, string?>())
        {
            if (value is null || string.IsNullOrEmpty(name))
            {
                continue;
            }

            byte[] parameter = Encoding.UTF8.GetBytes($" {SdName(name)}=\"{EscapeParamValue(value)}\"");
            if (length + parameter.Length <= room)
            {
                parameters.Add(parameter);
                length += parameter.Length;
            }
        }

        if (parameters.Count == 0)
        {
            return Encoding.ASCII.GetBytes(NilValue);
        }

        byte[] element = new byte[length];
        open.CopyTo(element, 0);
        int offset = open.Length;
        foreach (byte[] parameter in parameters)
        {
            parameter.CopyTo(element, offset);
            offset += parameter.Length;
        }

        element[offset] = (byte)']';
        return element;
    }

    /// <summary>
    /// §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash; control characters are escaped first
    /// (<see cref="EscapeControlCharacters"/>), since the RFC allows them but a text receiver would start a new line.
    /// </summary>
    private static string EscapeParamValue(string value)
    {
        value = EscapeControlCharacters(value);
        if (value.AsSpan().IndexOfAny("\"\\]") < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (c is '"' or '\\' or ']')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>SP, BOM and MSG in UTF-8, cut on a character boundary to <paramref name="room"/> octets; empty when absent.</summary>
    private static byte[] Text(string? message, int room)
    {
        int available = room - 1 - Bom.Length;
        if (string.IsNullOrEmpty(message) || available <= 0)
        {
            return [];
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(EscapeControlCharacters(message));
        int length = utf8.Length;
        if (length > available)
        {
            // Back off to the first byte of the character that would be split (continuation bytes are 10xxxxxx).
            length = available;
            while (length > 0 && (utf8[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }

        if (length == 0)
        {
            return [];
        }

        byte[] text = new byte[1 + Bom.Length + length];
        text[0] = (byte)' ';
        Bom.CopyTo(text, 1);
        Array.Copy(utf8, 0, text, 1 + Bom.Length, length);
        return text;
    }

    /// <summary>Each control character as <c>#</c> and its octal code (<c>#012</c> for LF), the way rsyslog escapes them.</summary>
    internal static string EscapeControlCharacters(string value)
    {
        if (!value.AsSpan().ContainsAny(ControlCharacters))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 16);
        foreach (char c in value)
        {
            if (ControlCharacters.Contains(c))
            {
                escaped.Append('#').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
