using System.Data.Common;

namespace CertBroker.Storage.Rows;

/// <summary>The ordinals of the renewal stores' transition columns (<c>TransitionColumns</c>, named alike on both databases) in one statement's result, looked up once per reader.</summary>
internal sealed class TransitionOrdinals(DbDataReader reader)
{
    public int Id { get; } = reader.GetOrdinal("certificate_id");

    public int Serial { get; } = reader.GetOrdinal("serial");

    public int Profile { get; } = reader.GetOrdinal("profile");

    public int Subject { get; } = reader.GetOrdinal("subject");

    public int DeviceId { get; } = reader.GetOrdinal("device_id");

    public int NotAfter { get; } = reader.GetOrdinal("not_after");

    public int RenewalDueAt { get; } = reader.GetOrdinal("renewal_due_at");
}
