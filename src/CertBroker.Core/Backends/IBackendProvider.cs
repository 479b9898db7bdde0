using CertBroker.Core.Profiles;

namespace CertBroker.Core.Backends;

/// <summary>
/// Makes the backend of each profile of one <see cref="ProfileBackend"/> kind. A new kind of CA is one
/// <see cref="ICaBackend"/> class and one provider registered in the container.
/// </summary>
public interface IBackendProvider
{
    /// <summary>The <c>Backend</c> setting this provider serves.</summary>
    ProfileBackend Kind { get; }

    ICaBackend Create(ScepProfile profile);
}
