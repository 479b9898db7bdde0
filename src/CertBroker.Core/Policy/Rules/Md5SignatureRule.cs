using CertBroker.Core.Model;
using CertBroker.Scep;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-SIG-01: no MD2 or MD5 signature on a CSR or certificate (BR §7.1.3.2).</summary>
public sealed class Md5SignatureRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    private const string Md2WithRsa = "1.2.840.113549.1.1.2";

    public string Id => "WC-SIG-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        string? name = subject.SignatureAlgorithmOid switch
        {
            Oids.Md5WithRsa => "MD5",
            Md2WithRsa => "MD2",
            _ => null,
        };
        if (name is not null)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), name, "SHA-256 or stronger",
                $"{What(subject)} signed with {name}"));
        }
    }

    internal static string What(PolicySubject subject) => subject.Kind == SubjectKind.Request ? "CSR" : "Certificate";
}
