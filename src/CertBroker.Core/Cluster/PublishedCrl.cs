namespace CertBroker.Core.Cluster;

/// <summary>A signed CRL as the store keeps it.</summary>
/// <param name="Issuer">The CA it belongs to: the hex subject key identifier of the CA certificate.</param>
/// <param name="Number">Its cRLNumber.</param>
/// <param name="Der">The DER encoding, as served; do not modify it.</param>
public sealed record PublishedCrl(string Issuer, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, byte[] Der)
{
    /// <summary>How many CRLs of one issuer the store keeps; older ones are of no use to anyone.</summary>
    public const int Kept = 10;
}
