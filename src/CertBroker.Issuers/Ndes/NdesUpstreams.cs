using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

/// <summary>The upstream CAs of all <c>Backend=Ndes</c> profiles, one per profile.</summary>
public sealed class NdesUpstreams(IReadOnlyList<NdesUpstream> all) : IDisposable
{
    public IReadOnlyList<NdesUpstream> All { get; } = all;

    public void Dispose()
    {
        foreach (NdesUpstream upstream in All)
        {
            upstream.Dispose();
        }
    }
}
