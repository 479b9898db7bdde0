namespace CertBroker.Core.Policy;

/// <summary>A certificate as the re-scan reads it: just what the rules and WC-KEY-04 need.</summary>
/// <param name="Id">The row id, the re-scan's paging key.</param>
public sealed record InventoryCertificate(long Id, string Serial, string Profile, byte[] Der, long? DeviceId);
