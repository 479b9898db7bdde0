using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CertBroker.Server.Webhooks;

/// <summary>
/// The <c>X-CertBroker-Signature</c> header of a webhook delivery: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where
/// v1 is the lower-case hex HMAC-SHA256, keyed with the UTF-8 bytes of <c>CertBroker:Webhook:Secret</c>, of the
/// timestamp's decimal digits, a full stop and the body's exact bytes. The timestamp is inside the MAC, so a receiver
/// that refuses old timestamps also refuses a replayed delivery.
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-CertBroker-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="time"/>.</summary>
    public static string Create(string secret, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string timestamp = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
