namespace CertBroker.Server.Hosting;

/// <summary>A node whose CA certificate is not the one its database was created with.</summary>
internal sealed class CaMismatchException(string thumbprint, string recorded) : Exception(
    $"This node's CA certificate (SHA-256 {thumbprint}) is not the one the database was created with (SHA-256 {recorded}). "
    + "Every node sharing a database must sign with the same CA: give this node the CA certificate and key of the others "
    + "(CertBroker:Ca:CertificatePath and KeyPath, or a copy of their <DataDir>/ca/), or give it a database of its own.")
{
    public string Thumbprint { get; } = thumbprint;

    public string Recorded { get; } = recorded;
}
