using CertBroker.Core.Accounts;

namespace CertBroker.Core.Tests.Accounts;

/// <summary>An <see cref="IApiTokenStore"/> in a list.</summary>
internal sealed class InMemoryApiTokenStore : IApiTokenStore
{
    private readonly List<ApiToken> _tokens = [];

    public int Lookups { get; private set; }

    public Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        Lookups++;
        return Task.FromResult(_tokens.SingleOrDefault(t => t.SecretHash == secretHash));
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiToken>>([.. _tokens]);

    public Task<bool> CreateAsync(ApiToken token, CancellationToken cancellationToken)
    {
        if (_tokens.Any(t => string.Equals(t.Name, token.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return Task.FromResult(false);
        }

        _tokens.Add(token);
        return Task.FromResult(true);
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.RemoveAll(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) > 0);
}
