namespace CertBroker.Core.Names;

/// <summary>A name the policy refused or left out, and why.</summary>
/// <param name="Rule">The rule's id (NAME-…), for the log and the audit trail.</param>
/// <param name="Name">The name as printed ("DNS:x", "CN=y"), control characters escaped.</param>
/// <param name="Message">Why.</param>
/// <param name="Dropped">Whether the name was left out (the profile drops refused names) rather than refusing the request.</param>
public sealed record NameFinding(string Rule, string Name, string Message, bool Dropped)
{
    public override string ToString() => $"{Rule} {(Dropped ? "dropped" : "refused")} {Name}: {Message.TrimEnd('.')}";
}
