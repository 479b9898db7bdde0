namespace CertBroker.Core.Model;

/// <summary>Where one SCEP transaction stands.</summary>
public enum TransactionState
{
    Pending = 0,
    Issued = 1,
    Failed = 2,
}
