global using CertBroker.Testing;
global using Microsoft.Extensions.Time.Testing;

namespace CertBroker.Testing;

/// <summary>Fake clocks for tests, from Microsoft.Extensions.TimeProvider.Testing.</summary>
internal static class TestClock
{
    /// <summary>A clock at the current time truncated to whole seconds, as certificates store it; it moves only by hand.</summary>
    public static FakeTimeProvider StartingNow() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
}
