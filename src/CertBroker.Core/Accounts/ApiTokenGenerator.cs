namespace CertBroker.Core.Accounts;

/// <summary>Makes new API tokens; storing them is the caller's business.</summary>
public sealed class ApiTokenGenerator(TimeProvider timeProvider)
{
    /// <param name="name">Unique label for the token.</param>
    /// <param name="role">What the token may do.</param>
    /// <param name="expiresAt">When it stops working, in the future; null for never.</param>
    /// <param name="owner">User name of the account the token acts for; see <see cref="ApiToken.Owner"/>.</param>
    public NewApiToken Generate(string name, Role role, DateTimeOffset? expiresAt, string owner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Not a defined role.");
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        if (expiresAt <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), expiresAt, "A new token must expire in the future.");
        }

        string secret = ApiTokenSecret.Generate();
        var token = new ApiToken
        {
            Name = name,
            Role = role,
            SecretHash = ApiTokenSecret.Hash(secret),
            CreatedAt = now,
            ExpiresAt = expiresAt,
            Owner = owner,
        };
        return new NewApiToken(secret, token);
    }
}
