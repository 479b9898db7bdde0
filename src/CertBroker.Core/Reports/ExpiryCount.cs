namespace CertBroker.Core.Reports;

/// <summary>
/// Certificates in use (neither revoked nor superseded) of one profile in one state whose notAfter falls in one
/// days-left bucket.
/// </summary>
/// <param name="Bucket">
/// An index into the days-left bounds asked for: bucket <c>i</c> holds certificates ending after bound <c>i - 1</c>
/// (or from now, for <c>0</c>) and within bound <c>i</c> days; <c>-1</c> holds expired ones and the bound count those
/// ending after the last bound.
/// </param>
public sealed record ExpiryCount(string Profile, ExpiryState State, int Bucket, long Count);
