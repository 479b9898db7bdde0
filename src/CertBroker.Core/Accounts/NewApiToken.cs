using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>
/// A token just generated: the secret to show the administrator once, and the record to store. The secret cannot be
/// recovered later.
/// </summary>
public sealed class NewApiToken(string secret, ApiToken token)
{
    public string Secret { get; } = secret;

    public ApiToken Token { get; } = token;

    // The secret stays out of anything that might be logged.
    public override string ToString() => new StringBuilder("NewApiToken { Token = ").Append(Token).Append(" }").ToString();
}
