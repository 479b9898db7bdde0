namespace CertBroker.Core.Cluster;

/// <summary>
/// The CRLs of a CA shared by every node: the counter their numbers come from (RFC 5280 §5.2.3) and the newest
/// CRLs signed. A node that revokes signs and stores a CRL; every node serves the newest stored one.
/// </summary>
public interface ICrlStore
{
    /// <summary>
    /// Reserves the next CRL number of <paramref name="issuer"/>: one more than the greatest of the last reserved
    /// number and <paramref name="floor"/>. Numbers are unique and increasing across nodes, and never step back below
    /// <paramref name="floor"/> (the last number an installation from before the database kept in a file).
    /// </summary>
    Task<long> ReserveNumberAsync(string issuer, long floor, CancellationToken cancellationToken);

    /// <summary>Stores a signed CRL; only the newest few of each issuer are kept.</summary>
    Task SaveAsync(PublishedCrl crl, CancellationToken cancellationToken);

    /// <summary>The number of the newest stored CRL of <paramref name="issuer"/>, or null when none is stored: a cheap look.</summary>
    Task<long?> NewestNumberAsync(string issuer, CancellationToken cancellationToken);

    /// <summary>The newest stored CRL of <paramref name="issuer"/>, or null when none is stored.</summary>
    Task<PublishedCrl?> NewestAsync(string issuer, CancellationToken cancellationToken);
}
