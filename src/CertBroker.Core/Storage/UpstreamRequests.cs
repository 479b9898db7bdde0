namespace CertBroker.Core.Storage;

/// <summary>Where a request to the upstream CA stands.</summary>
public enum UpstreamRequestState
{
    /// <summary>Not yet accepted by the upstream (it could not be reached): the PKCSReq is sent again.</summary>
    Pending = 0,

    /// <summary>The upstream answered PENDING: it is polled with CertPoll.</summary>
    Submitted = 1,

    Issued = 2,

    Failed = 3,
}

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

/// <summary>The upstream requests of <c>Backend=Ndes</c> profiles.</summary>
public interface IUpstreamRequestStore
{
    /// <summary>Inserts or replaces the request of (profile, transaction).</summary>
    Task SaveUpstreamRequestAsync(UpstreamRequest request, CancellationToken cancellationToken);

    Task<UpstreamRequest?> FindUpstreamRequestAsync(string profile, string transactionId, CancellationToken cancellationToken);

    /// <summary>Pending and Submitted requests due at <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<UpstreamRequest>> ListDueUpstreamRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
