using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;

namespace CertBroker.Core.Tests.Names;

/// <summary>Whatever bytes a device puts in its subject or subjectAltName, the policy answers with a decision.</summary>
public sealed class HostileNameTests
{
    private static readonly NamePolicy Permissive = new(NamePolicySettings.Create(new NamePolicyOptions
    {
        SubjectAttributes = ["CN", "O", "OU", "serialNumber", "emailAddress", "UID"],
        SubjectAltNameTypes = ["dNSName", "iPAddress", "rfc822Name", "URI", "upn", "directoryName", "kerberosPrincipal"],
        UpnSuffixes = ["example.com"],
        KerberosRealms = ["EXAMPLE.COM"],
        OnViolation = NameViolationAction.Drop,
    }, "test", []));

    [Fact]
    public void Decide_MutatedAndRandomEncodings_AlwaysDecidesAndNeverIssuesWhatItCannotEncode()
    {
        var random = new Random(20261207);
        byte[] subject = new X500DistinguishedName("CN=printer-7, O=Acme, OU=Floor 2").RawData;
        byte[] san = AllKinds().RawData;
        int issuedCount = 0;
        int refusedCount = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] hostileSubject = i % 3 == 0 ? Random(random) : Mutate(subject, random);
            byte[] hostileSan = i % 3 == 1 ? Random(random) : Mutate(san, random);
            X500DistinguishedName name;
            try
            {
                name = new X500DistinguishedName(hostileSubject);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                continue;
            }

            NameDecision decision = Permissive.Decide(name, [new X509Extension("2.5.29.17", hostileSan, critical: false)]);

            if (decision.Issued is { } issued)
            {
                // What is issued can be written, and reads back as the same names.
                X500DistinguishedName written = NameWriter.Subject(issued.Subject);
                X509Extension? writtenSan = NameWriter.SubjectAltName(issued.AlternativeNames, issued.Subject.Count == 0);
                Assert.True(CertificateNames.FromRequest(written, writtenSan is null ? [] : [writtenSan]).SameAs(issued));
                issuedCount++;
            }
            else
            {
                refusedCount++;
                Assert.NotEmpty(decision.Findings);
                Assert.All(decision.Findings, f => Assert.True(f.Name.Length <= Printable.MaxLength + 1));
            }
        }

        // Both outcomes were reached often: the mutations are near enough to valid encodings to be judged.
        Assert.True(issuedCount > 50 && refusedCount > 1000, $"{issuedCount} issued, {refusedCount} refused");
    }

    private static X509Extension AllKinds() => HandMadeNames.SubjectAltName(w =>
    {
        HandMadeNames.Dns(w, "printer-7.example.com");
        HandMadeNames.Ip(w, [10, 0, 0, 7]);
        HandMadeNames.Upn(w, "printer-7@example.com");
        HandMadeNames.DirectoryName(w, "printer-7");
        HandMadeNames.KerberosPrincipal(w, "EXAMPLE.COM", 1, "host", "printer-7.example.com");
    });

    private static byte[] Random(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 80)];
        random.NextBytes(bytes);
        if (bytes.Length > 1)
        {
            bytes[0] = 0x30;
            bytes[1] = (byte)(bytes.Length - 2);
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        byte[] bytes = (byte[])valid.Clone();
        for (int flips = random.Next(1, 4); flips > 0; flips--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }
}
