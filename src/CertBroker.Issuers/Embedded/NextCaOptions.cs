namespace CertBroker.Issuers.Embedded;

/// <summary>CA rollover (section <c>CertBroker:Ca:NextCa</c>).</summary>
public sealed class NextCaOptions
{
    /// <summary>
    /// The successor CA certificate (PEM or DER) returned by GetNextCACert (RFC 8894 §3.5.2). Default unset:
    /// no rollover is announced.
    /// </summary>
    public string? CertificatePath { get; set; }
}
