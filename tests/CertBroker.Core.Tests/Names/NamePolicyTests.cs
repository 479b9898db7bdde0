using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;

namespace CertBroker.Core.Tests.Names;

/// <summary>Each rule of the name policy on hand-made subjects and subjectAltNames.</summary>
public sealed class NamePolicyTests
{
    [Fact]
    public void Decide_DefaultPolicyCnAndDnsName_IssuesBoth()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=printer-7", Sans(b => b.AddDnsName("printer-7.example.com")));

        Assert.False(decision.Refused);
        Assert.Equal("CN=printer-7", decision.Issued!.SubjectText);
        Assert.Equal(["DNS:printer-7.example.com"], decision.Issued.AlternativeNameTexts);
        Assert.Empty(decision.Findings);
    }

    [Fact]
    public void Decide_DefaultPolicyOrganization_RefusedByTypeRule()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=printer-7, O=Acme");

        Assert.True(decision.Refused);
        NameFinding finding = Assert.Single(decision.Findings);
        Assert.Equal("NAME-TYPE", finding.Rule);
        Assert.Equal("O=Acme", finding.Name);
    }

    [Fact]
    public void Decide_UpnWhenProfileAllowsOnlyDns_Refused()
    {
        // ESC1: a client-authentication certificate naming an administrator.
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=printer-7", HandMadeNames.SubjectAltName(w => HandMadeNames.Upn(w, "administrator@corp.example.com")));

        Assert.True(decision.Refused);
        Assert.Equal("NAME-TYPE", Assert.Single(decision.Findings).Rule);
    }

    [Theory]
    [InlineData("administrator@corp.example.com", false)]
    [InlineData("alice@users.example.com", true)]
    [InlineData("alice@evil.example.com", false)]
    [InlineData("alice@sub.users.example.com", false)]
    public void Decide_UpnAllowed_OnlyWithAConfiguredSuffix(string upn, bool issued)
    {
        var options = new NamePolicyOptions { SubjectAltNameTypes = ["upn"], UpnSuffixes = ["users.example.com"] };

        NameDecision decision = Decide(options, "CN=alice", HandMadeNames.SubjectAltName(w => HandMadeNames.Upn(w, upn)));

        Assert.Equal(issued, !decision.Refused);
        if (!issued)
        {
            Assert.Equal("NAME-MAILBOX", Assert.Single(decision.Findings).Rule);
        }
    }

    [Fact]
    public void Decide_KerberosPrincipalInAnAllowedRealm_IssuedAndReencodedTheSame()
    {
        var options = new NamePolicyOptions { SubjectAltNameTypes = ["kerberosPrincipal"], KerberosRealms = ["EXAMPLE.TEST"] };
        X509Extension requested = HandMadeNames.SubjectAltName(w => HandMadeNames.KerberosPrincipal(w, "EXAMPLE.TEST", 1, "host", "web.example.test"));

        NameDecision allowed = Decide(options, "CN=web", requested);
        NameDecision otherRealm = Decide(options, "CN=web", HandMadeNames.SubjectAltName(w => HandMadeNames.KerberosPrincipal(w, "CORP.TEST", 1, "administrator")));

        Assert.Equal(["Kerberos:host/web.example.test@EXAMPLE.TEST"], allowed.Issued!.AlternativeNameTexts);
        Assert.Equal(requested.RawData, NameWriter.SubjectAltName(allowed.Issued.AlternativeNames, emptySubject: false)!.RawData);
        Assert.Equal("NAME-MAILBOX", Assert.Single(otherRealm.Findings).Rule);
    }

    [Theory]
    [InlineData("tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-1001", true)]
    [InlineData("https://evil.example/tag:microsoft.com,2022-09-14:sid:S-1-5-21-1", false)]
    [InlineData("not a uri", false)]
    public void Decide_UriWithPrefixes_OnlyAnAbsoluteUriWithAnAllowedPrefix(string uri, bool issued)
    {
        var options = new NamePolicyOptions { SubjectAltNameTypes = ["URI"], UriPrefixes = ["tag:microsoft.com,2022-09-14:sid:"] };

        NameDecision decision = Decide(options, "CN=alice", HandMadeNames.SubjectAltName(w =>
            w.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6))));

        Assert.Equal(issued, !decision.Refused);
        if (!issued)
        {
            Assert.Equal("NAME-URI", Assert.Single(decision.Findings).Rule);
        }
    }

    [Theory]
    [InlineData("ops@example.com", true)]
    [InlineData("ops@sub.example.com", true)]
    [InlineData("ops@example.org", false)]
    [InlineData("ops@@example.com", false)]
    public void Decide_EmailAddressAttributeAndRfc822Name_DomainMustBeAllowed(string mailbox, bool issued)
    {
        var options = new NamePolicyOptions { SubjectAttributes = ["CN", "emailAddress"], SubjectAltNameTypes = ["rfc822Name"], EmailDomains = ["example.com"] };

        NameDecision attribute = Decide(options, HandMadeNames.Subject(
            (HandMadeNames.CommonNameOid, UniversalTagNumber.UTF8String, "ops"),
            ("1.2.840.113549.1.9.1", UniversalTagNumber.IA5String, mailbox)), null);
        NameDecision alternative = Decide(options, "CN=ops", Sans(b => b.AddEmailAddress(mailbox)));

        Assert.Equal(issued, !attribute.Refused);
        Assert.Equal(issued, !alternative.Refused);
    }

    [Fact]
    public void Decide_DirectoryNameOnlyWhenAllowedAndItsValuesChecked()
    {
        X509Extension good = HandMadeNames.SubjectAltName(w => HandMadeNames.DirectoryName(w, "printer-7"));
        X509Extension bad = HandMadeNames.SubjectAltName(w => HandMadeNames.DirectoryName(w, "printer\0-7"));

        NameDecision notAllowed = Decide(new NamePolicyOptions(), "CN=p", good);
        NameDecision allowed = Decide(new NamePolicyOptions { SubjectAltNameTypes = ["directoryName"] }, "CN=p", good);
        NameDecision nul = Decide(new NamePolicyOptions { SubjectAltNameTypes = ["directoryName"] }, "CN=p", bad);

        Assert.Equal("NAME-TYPE", Assert.Single(notAllowed.Findings).Rule);
        Assert.Equal(["DirName:CN=printer-7"], allowed.Issued!.AlternativeNameTexts);
        Assert.Equal(good.RawData, NameWriter.SubjectAltName(allowed.Issued.AlternativeNames, emptySubject: false)!.RawData);
        Assert.Equal("NAME-CHARS", Assert.Single(nul.Findings).Rule);
    }

    [Fact]
    public void Decide_CommonNameOfOneLetterWithAThousandCombiningMarks_RefusedByLengthRule()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.CommonName("a" + new string('\u0301', 1000)), null);

        Assert.Equal("NAME-LENGTH", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_DirectoryNameHidingAnAttributeTheSubjectMayNotCarry_Refused()
    {
        X509Extension hidden = HandMadeNames.SubjectAltName(w =>
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
            {
                w.WriteEncodedValue(HandMadeNames.Subject((HandMadeNames.OrganizationOid, UniversalTagNumber.UTF8String, "Domain Controllers")).RawData);
            }
        });

        NameDecision decision = Decide(new NamePolicyOptions { SubjectAltNameTypes = ["directoryName"] }, "CN=p", hidden);

        Assert.Equal("NAME-TYPE", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void SubjectText_ValueWithACommaAndAnEqualsSign_IsEscapedSoItCannotPassForAnotherAttribute()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.CommonName("printer1, OU=Domain Controllers"), null);

        Assert.Equal("CN=printer1\\, OU\\=Domain Controllers", decision.Issued!.SubjectText);
    }

    [Fact]
    public void Decide_DnsSuffixesSet_AHostNameInTheCommonNameIsCheckedToo()
    {
        var options = new NamePolicyOptions { DnsSuffixes = ["printers.example.com"] };

        Assert.False(Decide(options, "CN=mfd-1.printers.example.com").Refused);
        Assert.False(Decide(options, "CN=Printer 7").Refused);
        Assert.Equal("NAME-DNS", Assert.Single(Decide(options, "CN=www.bank.example").Findings).Rule);
    }

    [Fact]
    public void Decide_UpnWhoseSuffixHoldsAKelvinSign_Refused()
    {
        // U+212A lower-cases to an ASCII 'k': the suffix check must not see "kelvin.example.com".
        var options = new NamePolicyOptions { SubjectAltNameTypes = ["upn"], UpnSuffixes = ["kelvin.example.com"] };

        NameDecision decision = Decide(options, "CN=alice", HandMadeNames.SubjectAltName(w => HandMadeNames.Upn(w, "alice@\u212Aelvin.example.com")));

        Assert.Equal("NAME-MAILBOX", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_AttributeWhoseValueIsNotAString_RefusedAsMalformed()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(HandMadeNames.CommonNameOid);
            writer.WriteInteger(42);
        }

        NameDecision decision = Decide(new NamePolicyOptions(), new X500DistinguishedName(writer.Encode()), null);

        Assert.Equal("NAME-FORMAT", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_WildcardDnsName_RefusedUnlessAllowed()
    {
        X509Extension wildcard = Sans(b => b.AddDnsName("*.example.com"));

        NameDecision refused = Decide(new NamePolicyOptions(), "CN=printer-7", wildcard);
        NameDecision allowed = Decide(new NamePolicyOptions { AllowWildcards = true }, "CN=printer-7", wildcard);
        NameDecision tooBroad = Decide(new NamePolicyOptions { AllowWildcards = true }, "CN=printer-7", Sans(b => b.AddDnsName("*.com")));

        Assert.Equal("NAME-DNS", Assert.Single(refused.Findings).Rule);
        Assert.False(allowed.Refused);
        Assert.True(tooBroad.Refused);
    }

    [Fact]
    public void Decide_DnsNameWithEmbeddedNul_RefusedAndPrintedEscaped()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=printer-7", HandMadeNames.SubjectAltName(w => HandMadeNames.Dns(w, "good.example.com\0.evil.com")));

        NameFinding finding = Assert.Single(decision.Findings);
        Assert.True(decision.Refused);
        Assert.Equal("NAME-CHARS", finding.Rule);
        Assert.Equal("DNS:good.example.com\\u0000.evil.com", finding.Name);
    }

    [Fact]
    public void Decide_SubjectAltNameThatIsNotGeneralNames_RefusedAsMalformed()
    {
        var notGeneralNames = new X509Extension("2.5.29.17", [0x04, 0x03, 0x01, 0x02, 0x03], critical: false);

        NameDecision decision = Decide(new NamePolicyOptions { OnViolation = NameViolationAction.Drop }, "CN=printer-7", notGeneralNames);

        Assert.True(decision.Refused);
        Assert.Equal("NAME-FORMAT", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_TwoSubjectAltNameExtensions_RefusedAsMalformed()
    {
        X509Extension san = Sans(b => b.AddDnsName("printer-7.example.com"));
        NameDecision decision = new NamePolicy(Settings(new NamePolicyOptions())).Decide(new X500DistinguishedName("CN=printer-7"), [san, san]);

        Assert.True(decision.Refused);
        Assert.Equal("NAME-FORMAT", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_CommonNameWithControlCharactersOverTheUpperBound_Refused()
    {
        string value = "printer\r\n" + new string('x', 70) + "\0";

        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.CommonName(value), null);

        Assert.True(decision.Refused);
        Assert.Equal("NAME-CHARS", Assert.Single(decision.Findings).Rule);
        Assert.DoesNotContain('\r', decision.Findings[0].Name);
    }

    [Fact]
    public void Decide_CommonNameOverSixtyFourCharacters_RefusedByLengthRule()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.CommonName(new string('x', 65)), null);

        Assert.Equal("NAME-LENGTH", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_BidirectionalOverrideInCommonName_Refused()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.CommonName("printer\u202Emoc.live"), null);

        Assert.Equal("NAME-CHARS", Assert.Single(decision.Findings).Rule);
    }

    [Theory]
    [InlineData("printer-7.printers.example.com", true)]
    [InlineData("printers.example.com", true)]
    [InlineData("printer-7.PRINTERS.example.com", true)]
    [InlineData("evilprinters.example.com", false)]
    [InlineData("printers.example.com.evil.com", false)]
    public void Decide_DnsSuffix_MatchesAtALabelBoundary(string name, bool issued)
    {
        var options = new NamePolicyOptions { DnsSuffixes = ["printers.example.com"] };

        NameDecision decision = Decide(options, "CN=printer-7", Sans(b => b.AddDnsName(name)));

        Assert.Equal(issued, !decision.Refused);
    }

    [Theory]
    [InlineData("xn--bcher-kva.example.com", true)]
    [InlineData("xn--aaa.example.com", false)]
    [InlineData("xn--ls8h.example.com", false)]
    [InlineData("xn--zz-zzz.example.com", false)]
    [InlineData("xn--mnchen-3ya.example.com", true)]
    [InlineData("XN--BCHER-KVA.example.com", true)]
    [InlineData("ab--cd.example.com", false)]
    [InlineData("under_score.example.com", false)]
    [InlineData("-lead.example.com", false)]
    [InlineData("trailing.example.com.", false)]
    [InlineData("10.1.2.3", false)]
    public void Decide_DnsNameSyntax_LdhLabelsAndValidIdna(string name, bool issued)
    {
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=printer-7", HandMadeNames.SubjectAltName(w => HandMadeNames.Dns(w, name)));

        Assert.Equal(issued, !decision.Refused);
    }

    [Theory]
    [InlineData("bücher", "bcher-kva")]
    [InlineData("münchen", "mnchen-3ya")]
    [InlineData("例え", "r8jz45g")]
    public void Punycode_EncodesAndDecodesRfc3492(string unicode, string encoded)
    {
        Assert.Equal(encoded, Punycode.Encode(unicode));
        Assert.Equal(unicode, Punycode.Decode(encoded));
    }

    [Fact]
    public void Decide_CommonNameMustBeDnsName_CheckedLikeADnsName()
    {
        var options = new NamePolicyOptions { CommonName = CommonNameFormat.DnsName, DnsSuffixes = ["printers.example.com"] };

        Assert.False(Decide(options, "CN=p7.printers.example.com").Refused);
        Assert.Equal("NAME-DNS", Assert.Single(Decide(options, "CN=Printer 7").Findings).Rule);
    }

    [Fact]
    public void Decide_IpAddressOutsideTheRanges_Refused()
    {
        var options = new NamePolicyOptions { IpRanges = ["10.20.0.0/16"] };

        Assert.False(Decide(options, "CN=p", Sans(b => b.AddIpAddress(IPAddress.Parse("10.20.3.4")))).Refused);
        Assert.Equal("NAME-IP", Assert.Single(Decide(options, "CN=p", Sans(b => b.AddIpAddress(IPAddress.Parse("10.21.3.4")))).Findings).Rule);
    }

    [Fact]
    public void Decide_IpAddressOfFiveBytes_RefusedAsMalformed()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), "CN=p", HandMadeNames.SubjectAltName(w => HandMadeNames.Ip(w, [10, 0, 0, 1, 7])));

        Assert.Equal("NAME-FORMAT", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_MoreSubjectAltNamesThanTheMaximum_Refused()
    {
        var options = new NamePolicyOptions { MaxSubjectAltNames = 2 };

        NameDecision decision = Decide(options, "CN=p", Sans(b =>
        {
            b.AddDnsName("a.example.com");
            b.AddDnsName("b.example.com");
            b.AddDnsName("c.example.com");
        }));

        Assert.Equal("NAME-COUNT", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_DropMode_LeavesOutRefusedNamesAndIssuesTheRest()
    {
        var options = new NamePolicyOptions { OnViolation = NameViolationAction.Drop, DnsSuffixes = ["example.com"] };

        NameDecision decision = Decide(options, "CN=printer-7, O=Acme", Sans(b =>
        {
            b.AddDnsName("printer-7.example.com");
            b.AddDnsName("intranet.other.org");
            b.AddEmailAddress("ceo@example.com");
        }));

        Assert.False(decision.Refused);
        Assert.Equal("CN=printer-7", decision.Issued!.SubjectText);
        Assert.Equal(["DNS:printer-7.example.com"], decision.Issued.AlternativeNameTexts);
        Assert.Equal(3, decision.Findings.Count);
        Assert.All(decision.Findings, f => Assert.True(f.Dropped));
    }

    [Fact]
    public void Decide_DropModeWithNothingLeft_Refused()
    {
        var options = new NamePolicyOptions { OnViolation = NameViolationAction.Drop };

        NameDecision decision = Decide(options, "O=Acme");

        Assert.True(decision.Refused);
        Assert.Contains(decision.Findings, f => f.Rule == "NAME-EMPTY");
    }

    [Fact]
    public void Decide_FixedSubject_BuildsTheSubjectFromTheProfileAndTheRequestsCn()
    {
        var options = new NamePolicyOptions { FixedSubject = "O=Example Corp, OU=Printers" };

        NameDecision decision = Decide(options, "CN=printer-7, OU=MDM, O=scep-client, C=US");

        Assert.False(decision.Refused);
        Assert.Equal("CN=printer-7, OU=Printers, O=Example Corp", decision.Issued!.SubjectText);
        X500DistinguishedName encoded = NameWriter.Subject(decision.Issued.Subject);
        Assert.Equal("CN=printer-7, OU=Printers, O=Example Corp", encoded.Name);
    }

    [Fact]
    public void Decide_TwoCommonNames_Refused()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), HandMadeNames.Subject(
            (HandMadeNames.CommonNameOid, UniversalTagNumber.UTF8String, "printer-7"),
            (HandMadeNames.CommonNameOid, UniversalTagNumber.UTF8String, "ceo-laptop")), null);

        Assert.Equal("NAME-DUPLICATE", Assert.Single(decision.Findings).Rule);
    }

    [Fact]
    public void Decide_Pattern_MustMatchTheWholeValue()
    {
        var options = new NamePolicyOptions { Patterns = new(StringComparer.OrdinalIgnoreCase) { ["CN"] = "MFD-[0-9]{4}" } };

        Assert.False(Decide(options, "CN=MFD-0042").Refused);
        Assert.Equal("NAME-PATTERN", Assert.Single(Decide(options, "CN=MFD-0042-evil").Findings).Rule);
    }

    [Fact]
    public void NameWriter_ReencodesValuesInTheBrokersOwnStringTypes()
    {
        // A BMPString CN and a T61String O come back as PrintableString, the form RFC 5280 prefers.
        X500DistinguishedName requested = HandMadeNames.Subject(
            (HandMadeNames.OrganizationOid, UniversalTagNumber.BMPString, "Acme"),
            (HandMadeNames.CommonNameOid, UniversalTagNumber.BMPString, "printer-7"));
        NameDecision decision = Decide(new NamePolicyOptions { SubjectAttributes = ["CN", "O"] }, requested, null);

        byte[] issued = NameWriter.Subject(decision.Issued!.Subject).RawData;

        Assert.Equal(HandMadeNames.Subject(
            (HandMadeNames.OrganizationOid, UniversalTagNumber.PrintableString, "Acme"),
            (HandMadeNames.CommonNameOid, UniversalTagNumber.PrintableString, "printer-7")).RawData, issued);
        Assert.NotEqual(requested.RawData, issued);
    }

    [Fact]
    public void NameWriter_EmptySubject_MakesTheSubjectAltNameCritical()
    {
        NameDecision decision = Decide(new NamePolicyOptions(), new X500DistinguishedName([0x30, 0x00]), Sans(b => b.AddDnsName("p.example.com")));

        X509Extension? san = NameWriter.SubjectAltName(decision.Issued!.AlternativeNames, emptySubject: decision.Issued.Subject.Count == 0);

        Assert.True(san!.Critical);
        Assert.Equal("p.example.com", Assert.Single(new X509SubjectAlternativeNameExtension(san.RawData).EnumerateDnsNames()));
    }

    [Fact]
    public void Create_UpnWithoutSuffixes_IsAConfigurationProblem()
    {
        var problems = new List<string>();

        NamePolicySettings.Create(new NamePolicyOptions { SubjectAltNameTypes = ["upn"] }, "CertBroker:Profiles:vpn:Names", problems);

        Assert.Contains(problems, p => p.StartsWith("CertBroker:Profiles:vpn:Names:UpnSuffixes", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_UnknownTypesBadRangesAndPatterns_AreEachReported()
    {
        var problems = new List<string>();
        var options = new NamePolicyOptions
        {
            SubjectAttributes = ["CN", "title"],
            SubjectAltNameTypes = ["x400Address"],
            IpRanges = ["10.0.0.0/33"],
            Patterns = new(StringComparer.OrdinalIgnoreCase) { ["CN"] = "(a", ["favouriteColour"] = "x" },
            FixedSubject = "CN=fixed",
        };

        NamePolicySettings.Create(options, "P", problems);

        Assert.Equal(6, problems.Count);
    }

    private static NamePolicySettings Settings(NamePolicyOptions options)
    {
        var problems = new List<string>();
        NamePolicySettings settings = NamePolicySettings.Create(options, "test", problems);
        Assert.Empty(problems);
        return settings;
    }

    private static NameDecision Decide(NamePolicyOptions options, string subject, X509Extension? san = null) =>
        Decide(options, new X500DistinguishedName(subject), san);

    private static NameDecision Decide(NamePolicyOptions options, X500DistinguishedName subject, X509Extension? san) =>
        new NamePolicy(Settings(options)).Decide(subject, san is null ? [] : [san]);

    private static X509Extension Sans(Action<SubjectAlternativeNameBuilder> add)
    {
        var builder = new SubjectAlternativeNameBuilder();
        add(builder);
        return builder.Build();
    }
}
