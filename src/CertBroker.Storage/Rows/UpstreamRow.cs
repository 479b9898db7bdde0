using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Rows;

/// <summary>An upstream_requests row as both databases hold it; queries alias columns to the property names.</summary>
internal sealed class UpstreamRow
{
    public string Profile { get; set; } = "";

    public string TransactionId { get; set; } = "";

    public string UpstreamTransactionId { get; set; } = "";

    public long State { get; set; }

    public long Attempts { get; set; }

    public long? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public string? Cipher { get; set; }

    public string? Digest { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public static UpstreamRow From(UpstreamRequest request) => new()
    {
        Profile = request.Profile,
        TransactionId = request.TransactionId,
        UpstreamTransactionId = request.UpstreamTransactionId,
        State = (long)request.State,
        Attempts = request.Attempts,
        NextAttemptAt = UnixMicroseconds.From(request.NextAttemptAt),
        LastError = request.LastError,
        Cipher = request.Cipher,
        Digest = request.Digest,
        CreatedAt = UnixMicroseconds.From(request.CreatedAt),
        UpdatedAt = UnixMicroseconds.From(request.UpdatedAt),
    };

    public UpstreamRequest ToRecord() => new()
    {
        Profile = Profile,
        TransactionId = TransactionId,
        UpstreamTransactionId = UpstreamTransactionId,
        State = (UpstreamRequestState)State,
        Attempts = (int)Attempts,
        NextAttemptAt = UnixMicroseconds.ToDateTimeOffset(NextAttemptAt),
        LastError = LastError,
        Cipher = Cipher,
        Digest = Digest,
        CreatedAt = UnixMicroseconds.ToDateTimeOffset(CreatedAt),
        UpdatedAt = UnixMicroseconds.ToDateTimeOffset(UpdatedAt),
    };
}
