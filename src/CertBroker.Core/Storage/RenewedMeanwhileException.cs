namespace CertBroker.Core.Storage;

/// <summary>
/// The certificate a renewal replaces was renewed by another transaction, or revoked, between the check and the
/// write; nothing was written. One certificate authorises one renewal.
/// </summary>
public sealed class RenewedMeanwhileException(string serial)
    : Exception($"Certificate {serial} was renewed or revoked by another request meanwhile.")
{
    public string Serial { get; } = serial;
}
