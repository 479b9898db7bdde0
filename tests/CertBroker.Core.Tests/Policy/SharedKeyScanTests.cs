using System.Numerics;
using CertBroker.Core.Policy;

namespace CertBroker.Core.Tests.Policy;

public sealed class SharedKeyScanTests
{
    [Fact]
    public void Findings_TwoDevicesSharingAPrime_FlagsBoth()
    {
        BigInteger shared = PolicyKeys.Prime(1024);
        var scan = new SharedKeyScan();
        scan.Add(1, "01", 10, PolicyKeys.Rsa(shared * PolicyKeys.Prime(1024)));
        scan.Add(2, "02", 11, PolicyKeys.Rsa(PolicyKeys.Modulus(2048)));
        scan.Add(3, "03", 12, PolicyKeys.Rsa(PolicyKeys.Prime(1024) * shared));

        IReadOnlyList<CertificateFindings> findings = scan.Findings(findPrimes: true);

        Assert.Equal([1L, 3L], findings.Select(f => f.CertificateId).Order());
        Assert.Contains("certificate 03", Assert.Single(findings.Single(f => f.CertificateId == 1).Findings).Message);
    }

    [Fact]
    public void Findings_SharedPrimeAcrossBlocks_IsFound()
    {
        BigInteger shared = PolicyKeys.Prime(512);
        var scan = new SharedKeyScan();
        scan.Add(1, "first", 1, PolicyKeys.Rsa(shared * PolicyKeys.Prime(512)));
        for (int i = 2; i < 300; i++)
        {
            scan.Add(i, $"filler-{i}", i, PolicyKeys.Rsa(PolicyKeys.Modulus(1024)));
        }

        scan.Add(300, "last", 300, PolicyKeys.Rsa(PolicyKeys.Prime(512) * shared));

        Assert.Equal([1L, 300L], scan.Findings(findPrimes: true).Select(f => f.CertificateId).Order());
    }

    [Fact]
    public void Findings_SameModulusOnTwoDevices_FlagsBothWithoutPrimeSearch()
    {
        BigInteger n = PolicyKeys.Modulus(2048);
        var scan = new SharedKeyScan();
        scan.Add(1, "aa", 10, PolicyKeys.Rsa(n));
        scan.Add(2, "bb", 20, PolicyKeys.Rsa(n));

        IReadOnlyList<CertificateFindings> findings = scan.Findings(findPrimes: false);

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("WC-KEY-04", Assert.Single(f.Findings).RuleId));
    }

    [Fact]
    public void Findings_SameDeviceRenewingWithItsKey_IsFine()
    {
        BigInteger n = PolicyKeys.Modulus(2048);
        var scan = new SharedKeyScan();
        scan.Add(1, "aa", 10, PolicyKeys.Rsa(n));
        scan.Add(2, "bb", 10, PolicyKeys.Rsa(n));

        Assert.Empty(scan.Findings(findPrimes: true));
    }
}
