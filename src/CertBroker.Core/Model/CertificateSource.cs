namespace CertBroker.Core.Model;

/// <summary>Where a certificate in the inventory came from; the numbers are what <c>certificates.source</c> stores.</summary>
public enum CertificateSource
{
    /// <summary>Issued by this broker's CA (or its upstream CA through it).</summary>
    Issued = 0,

    /// <summary>Imported through the admin API or the CLI; its issuer is kept as it is.</summary>
    Imported = 1,
}
