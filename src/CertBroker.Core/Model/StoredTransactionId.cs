namespace CertBroker.Core.Model;

/// <summary>
/// How a renewal's transaction is keyed in the store: the client's transactionID, <c>#renewal:</c> and the serial of
/// the certificate it renews (see <see cref="TransactionKey"/>). A queued renewal keeps nothing else that says what it
/// renews, so its approval, the admin API and the upstream poller read it from here.
/// </summary>
public static class StoredTransactionId
{
    private const string RenewalMarker = "#renewal:";

    /// <summary>The stored key of a renewal of <paramref name="renewedSerial"/> sent with <paramref name="transactionId"/>.</summary>
    public static string ForRenewal(string transactionId, string renewedSerial) => $"{transactionId}{RenewalMarker}{renewedSerial}";

    /// <summary>The client's transactionID and, for a renewal, the serial it renews.</summary>
    public static (string TransactionId, string? RenewedSerial) Split(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        int marker = stored.LastIndexOf(RenewalMarker, StringComparison.Ordinal);
        return marker < 0 ? (stored, null) : (stored[..marker], stored[(marker + RenewalMarker.Length)..]);
    }
}
