using CertBroker.Core.Profiles;

namespace CertBroker.Core.Backends;

/// <summary><c>Backend=Embedded</c>: every such profile shares the one embedded CA.</summary>
public sealed class EmbeddedBackendProvider(EmbeddedBackend backend) : IBackendProvider
{
    public ProfileBackend Kind => ProfileBackend.Embedded;

    public ICaBackend Create(ScepProfile profile) => backend;
}
