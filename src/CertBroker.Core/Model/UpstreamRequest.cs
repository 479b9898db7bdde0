namespace CertBroker.Core.Model;

/// <summary>
/// One device request relayed to a profile's upstream CA. The device's transaction stays Pending while this is
/// Pending or Submitted; the device's polls are answered from the transaction, never from the upstream.
/// </summary>
public sealed record UpstreamRequest
{
    public required string Profile { get; init; }

    /// <summary>The device's transaction key, as in the transactions table.</summary>
    public required string TransactionId { get; init; }

    /// <summary>The transactionID the upstream sees, the same on every retry and poll.</summary>
    public required string UpstreamTransactionId { get; init; }

    public required UpstreamRequestState State { get; init; }

    /// <summary>How many times in a row the upstream could not be reached.</summary>
    public int Attempts { get; init; }

    /// <summary>When the job sends or polls next; null once settled.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? LastError { get; init; }

    /// <summary>Content-encryption algorithm used towards the upstream.</summary>
    public string? Cipher { get; init; }

    /// <summary>Digest used towards the upstream.</summary>
    public string? Digest { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
