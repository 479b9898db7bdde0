using System.Globalization;

namespace CertBroker.RenewalBench;

/// <summary>One certificate row of the bench's fleet; times in microseconds since the Unix epoch, as the stores keep them.</summary>
internal readonly record struct BenchCertificate(string Serial, string Subject, long NotBefore, long NotAfter, string Thumbprint, long DueAt, bool IsDue);

/// <summary>
/// The fleet both stores are filled with, row for row the same for the same arguments. The due certificates are drawn
/// at random across the table (or are its first rows with <c>contiguous</c>), with due times over the last 2 days (all
/// under the 72-hour grace, so they become Due, not Overdue); the rest are due over the coming 300 days. notAfter
/// follows at 20% of a year. The DER is a stand-in of a real certificate's size, so the table has a real inventory's size.
/// </summary>
internal static class BenchCertificates
{
    private const long Day = 86_400_000_000;

    public static IEnumerable<BenchCertificate> Generate(int count, double duePercent, bool contiguous, DateTimeOffset now)
    {
        var random = new Random(2026);
        long nowMicros = now.ToUnixTimeMilliseconds() * 1000;
        for (int i = 0; i < count; i++)
        {
            bool isDue = contiguous ? i < (int)(count * duePercent / 100) : random.NextDouble() * 100 < duePercent;
            long dueMicros = isDue
                ? nowMicros - (long)(random.NextDouble() * 2 * Day)
                : nowMicros + 1 + (long)(random.NextDouble() * 300 * Day);
            yield return new BenchCertificate(
                i.ToString("x32", CultureInfo.InvariantCulture),
                $"CN=device-{i}",
                dueMicros - (292 * Day),
                dueMicros + (73 * Day),
                i.ToString("x64", CultureInfo.InvariantCulture),
                dueMicros,
                isDue);
        }
    }

    /// <summary>The stand-in DER every row carries: random bytes behind a SEQUENCE header.</summary>
    public static byte[] Der(int derBytes)
    {
        byte[] der = new byte[Math.Max(derBytes, 2)];
        new Random(1150).NextBytes(der);
        der[0] = 0x30;
        der[1] = 0x82;
        return der;
    }
}
