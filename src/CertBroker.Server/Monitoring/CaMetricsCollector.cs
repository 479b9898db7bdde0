using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;

namespace CertBroker.Server.Monitoring;

/// <summary>The CA's and RA's own certificates' expiry and the CRL's next update, as absolute Unix timestamps.</summary>
internal sealed class CaMetricsCollector(ICertificateIssuer issuer, IRegistrationAuthority ra, ICrlPublisher crls, ILogger<CaMetricsCollector> logger)
    : IMetricsCollector
{
    public async Task CollectAsync(PrometheusTextWriter writer, CancellationToken cancellationToken)
    {
        const string Expiry = "certbroker_ca_certificate_not_after_timestamp_seconds";
        await writer.FamilyAsync(Expiry, "gauge", "notAfter of the broker's own certificates: the issuing CA and its chain (role ca), the RA signing and encryption certificates (role ra).")
            .ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (X509Certificate2 certificate in issuer.CaChain)
        {
            await WriteAsync(writer, Expiry, "ca", certificate, seen).ConfigureAwait(false);
        }

        await WriteAsync(writer, Expiry, "ra", ra.SigningCertificate, seen).ConfigureAwait(false);
        await WriteAsync(writer, Expiry, "ra", ra.EncryptionCertificate, seen).ConfigureAwait(false);

        const string NextUpdate = "certbroker_crl_next_update_timestamp_seconds";
        byte[] crl = await crls.GetCurrentCrlAsync(cancellationToken).ConfigureAwait(false);
        if (CrlNextUpdate(crl) is { } next)
        {
            await writer.FamilyAsync(NextUpdate, "gauge", "nextUpdate of the CRL the broker serves.").ConfigureAwait(false);
            await writer.SampleAsync(NextUpdate, next.ToUnixTimeMilliseconds() / 1000.0).ConfigureAwait(false);
        }
        else
        {
            logger.LogWarning("The current CRL has no readable nextUpdate; {Metric} is left out", NextUpdate);
        }
    }

    /// <summary>
    /// nextUpdate of a DER CRL: TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer, thisUpdate,
    /// nextUpdate Time OPTIONAL, ... } (RFC 5280 §5.1). Null when absent or unreadable.
    /// </summary>
    internal static DateTimeOffset? CrlNextUpdate(byte[] der)
    {
        try
        {
            AsnReader tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }

            tbs.ReadEncodedValue();
            tbs.ReadEncodedValue();
            ReadTime(tbs);
            return tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static Task WriteAsync(PrometheusTextWriter writer, string name, string role, X509Certificate2 certificate, HashSet<string> seen) =>
        seen.Add(certificate.Thumbprint)
            ? writer.SampleAsync(
                name,
                [("role", role), ("subject", certificate.Subject), ("serial", certificate.SerialNumber.ToLowerInvariant())],
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds())
            : Task.CompletedTask;
}
