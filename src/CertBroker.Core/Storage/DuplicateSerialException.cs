namespace CertBroker.Core.Storage;

/// <summary>A certificate serial number that is already taken; the caller issues again with a fresh serial.</summary>
public sealed class DuplicateSerialException(string serial)
    : Exception($"Serial number {serial} is already in use.")
{
    public string Serial { get; } = serial;
}
