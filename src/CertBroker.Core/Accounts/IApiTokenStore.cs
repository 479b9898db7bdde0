namespace CertBroker.Core.Accounts;

/// <summary>Where API tokens live: only their hashes, see <see cref="ApiToken"/>.</summary>
public interface IApiTokenStore
{
    /// <summary>The token whose <see cref="ApiToken.SecretHash"/> is <paramref name="secretHash"/>, or null.</summary>
    Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="token"/>. Returns false, writing nothing, when its name is taken.</summary>
    Task<bool> CreateAsync(ApiToken token, CancellationToken cancellationToken);

    /// <summary>Removes the token named <paramref name="name"/>, so it stops working. Returns false when there is none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
