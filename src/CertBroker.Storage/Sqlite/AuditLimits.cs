using CertBroker.Core.Audit;

namespace CertBroker.Storage.Sqlite;

/// <summary>How many events of each <see cref="AuditClass"/> the trail keeps.</summary>
internal readonly record struct AuditLimits(long Security, long Noise)
{
    public static AuditLimits From(AuditOptions options) => new(options.MaxRecords, options.MaxNoiseRecords);

    public long For(AuditClass auditClass) => auditClass == AuditClass.Noise ? Noise : Security;
}
