using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>
/// An API token for automation, as stored: its role and expiry, and the SHA-256 of its secret, never the secret itself.
/// </summary>
public sealed record ApiToken
{
    /// <summary>Unique label chosen by the administrator, e.g. <c>prometheus</c>; how the token is listed and revoked.</summary>
    public required string Name { get; init; }

    public required Role Role { get; init; }

    /// <summary>Lower-case hex SHA-256 of the secret's UTF-8 bytes; see <see cref="ApiTokenSecret.Hash"/>.</summary>
    public required string SecretHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the token stops working; null for a token that does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// User name of the account the token acts for: the account that created it, or the owner of the token that did.
    /// The token works only while that account exists, is enabled and holds every permission of <see cref="Role"/>.
    /// Null for a token from before owners were recorded whose creator is unknown; such a token is not tied to an account.
    /// </summary>
    public string? Owner { get; init; }
}
