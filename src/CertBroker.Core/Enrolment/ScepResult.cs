using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// What the broker answers to one PKIOperation, and the facts for the request log line. A null
/// <see cref="Body"/> means the message could not be parsed: the host answers HTTP 400 with a fixed text.
/// </summary>
public sealed record ScepResult
{
    /// <summary>The signed CertRep, or null for an unparseable message.</summary>
    public byte[]? Body { get; init; }

    public MessageType? MessageType { get; init; }

    public string? TransactionId { get; init; }

    public PkiStatus? Status { get; init; }

    public FailInfo? FailInfo { get; init; }

    /// <summary>Why a request was refused or what was done, for the log only; never sent to the client.</summary>
    public string? Reason { get; init; }

    /// <summary>Serial of the certificate returned, if any.</summary>
    public string? CertificateSerial { get; init; }

    /// <summary>The profile's upstream CA is not ready (no RA identity or CA certificates yet): the host answers HTTP 503.</summary>
    public bool Unavailable { get; init; }

    public static ScepResult Malformed(string reason) => new() { Reason = reason };

    public static ScepResult NotReady(string reason) => new() { Reason = reason, Unavailable = true };
}
