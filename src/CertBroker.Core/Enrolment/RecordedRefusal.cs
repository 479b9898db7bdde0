namespace CertBroker.Core.Enrolment;

/// <summary>A refusal to be stored; <paramref name="RenewalOf"/> is the certificate whose renewal it refuses.</summary>
public sealed record RecordedRefusal(string? RenewalOf);
