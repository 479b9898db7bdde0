using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Backends;

/// <summary><c>Backend=Ndes</c>: each profile relays to its own upstream CA.</summary>
public sealed class UpstreamBackendProvider(
    IEnumerable<IUpstreamCa> upstreams,
    IEnrolmentStore enrolments,
    IUpstreamRequestStore requests,
    IssuanceRecorder recorder,
    IDeviceMatcher devices,
    AuditRecorder audit,
    WeakCryptoPolicy policy,
    TimeProvider time) : IBackendProvider
{
    private readonly Dictionary<string, IUpstreamCa> _upstreams = upstreams.ToDictionary(u => u.ProfileName, StringComparer.OrdinalIgnoreCase);

    public ProfileBackend Kind => ProfileBackend.Ndes;

    /// <exception cref="InvalidOperationException">No upstream connector was made for the profile.</exception>
    public ICaBackend Create(ScepProfile profile) => new UpstreamBackend(
        _upstreams.GetValueOrDefault(profile.Name) ?? throw new InvalidOperationException($"Profile {profile.Name} has no upstream CA connector."),
        enrolments, requests, recorder, devices, audit, policy, time);
}
