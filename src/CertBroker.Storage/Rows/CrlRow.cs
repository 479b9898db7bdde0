using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Rows;

/// <summary>A crls row as both databases store it.</summary>
internal sealed class CrlRow
{
    public const string Columns = "issuer AS Issuer, number AS Number, this_update AS ThisUpdate, next_update AS NextUpdate, der AS Der";

    public string Issuer { get; set; } = "";

    public long Number { get; set; }

    public long ThisUpdate { get; set; }

    public long NextUpdate { get; set; }

    public byte[] Der { get; set; } = [];

    public PublishedCrl ToRecord() =>
        new(Issuer, Number, UnixMicroseconds.ToDateTimeOffset(ThisUpdate), UnixMicroseconds.ToDateTimeOffset(NextUpdate), Der);

    public static object Parameters(PublishedCrl crl) => new
    {
        crl.Issuer,
        crl.Number,
        ThisUpdate = UnixMicroseconds.From(crl.ThisUpdate),
        NextUpdate = UnixMicroseconds.From(crl.NextUpdate),
        crl.Der,
        Kept = (long)PublishedCrl.Kept,
    };
}
