namespace CertBroker.Core.Tests.Architecture;

/// <summary>One place where a type in one namespace uses a type in another: the evidence behind a graph edge.</summary>
/// <param name="From">The namespace layer that holds the using code.</param>
/// <param name="To">The namespace layer of the type it uses.</param>
/// <param name="Site">Where the use is, e.g. <c>Profiles.ScepProfile.get_Backend</c>.</param>
/// <param name="Target">The type used, e.g. <c>Backends.ICaBackend</c>.</param>
internal sealed record NamespaceReference(string From, string To, string Site, string Target)
{
    public override string ToString() => $"{Site} uses {Target}";
}
