namespace CertBroker.Core.Approvals;

/// <summary>
/// Notes for the admin deciding a queued request: key sizes and algorithms below today's baseline (NIST SP 800-131A:
/// RSA under 2048 bits, SHA-1 and MD5 signatures, single DES and 3DES encryption). Informational only; nothing here
/// refuses a request.
/// </summary>
public static class RequestFindings
{
    /// <param name="keyAlgorithm">"RSA", "EC", "DSA" or another name.</param>
    /// <param name="keySize">Modulus or field size in bits; 0 when unknown.</param>
    /// <param name="digestAlgorithm">Digest of the request signature, e.g. "SHA-1".</param>
    /// <param name="contentEncryptionAlgorithm">Cipher of the request envelope, e.g. "DES-CBC".</param>
    public static IReadOnlyList<string> For(string keyAlgorithm, int keySize, string? digestAlgorithm, string? contentEncryptionAlgorithm)
    {
        var findings = new List<string>();
        switch (keyAlgorithm)
        {
            case "RSA" when keySize < 2048:
                findings.Add($"RSA key of {keySize} bits, below 2048.");
                break;
            case "EC" when keySize < 256:
                findings.Add($"EC key of {keySize} bits, below 256.");
                break;
            case "DSA":
                findings.Add("DSA key.");
                break;
        }

        if (digestAlgorithm is "SHA-1" or "MD5")
        {
            findings.Add($"Request signed with {digestAlgorithm}.");
        }

        if (contentEncryptionAlgorithm is "DES-CBC" or "3DES-CBC" or "RC2-CBC")
        {
            findings.Add($"Request encrypted with {contentEncryptionAlgorithm}.");
        }

        return findings;
    }
}
