namespace CertBroker.Core.Cluster;

/// <summary>How a failure count locks its key out.</summary>
/// <param name="Threshold">Failures within <paramref name="Window"/> that lock the key out; 0 never locks (a plain count).</param>
/// <param name="Window">How long failures are counted from the first one of a window.</param>
/// <param name="LockFor">How long a lockout lasts from the failure that imposed it; null to the end of the window.</param>
public sealed record FailureRule(int Threshold, TimeSpan Window, TimeSpan? LockFor);
