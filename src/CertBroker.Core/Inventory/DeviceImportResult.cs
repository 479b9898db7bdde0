namespace CertBroker.Core.Inventory;

public sealed record DeviceImportResult(int Created, int Updated);
