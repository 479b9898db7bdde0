using CertBroker.Core.Model;
namespace CertBroker.Core.Storage;

/// <summary>The upstream requests of <c>Backend=Ndes</c> profiles.</summary>
public interface IUpstreamRequestStore
{
    /// <summary>Inserts or replaces the request of (profile, transaction).</summary>
    Task SaveUpstreamRequestAsync(UpstreamRequest request, CancellationToken cancellationToken);

    Task<UpstreamRequest?> FindUpstreamRequestAsync(string profile, string transactionId, CancellationToken cancellationToken);

    /// <summary>Pending and Submitted requests due at <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<UpstreamRequest>> ListDueUpstreamRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
