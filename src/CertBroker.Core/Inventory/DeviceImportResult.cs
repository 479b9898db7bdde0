using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Inventory;

public sealed record DeviceImportResult(int Created, int Updated);
