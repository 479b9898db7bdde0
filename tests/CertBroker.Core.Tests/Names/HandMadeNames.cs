using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Tests.Names;

/// <summary>Subjects and subjectAltNames written byte by byte, including the malformed ones no library would write.</summary>
internal static class HandMadeNames
{
    public const string CommonNameOid = "2.5.4.3";
    public const string OrganizationOid = "2.5.4.10";

    /// <summary>A Name of single-valued RDNs, each value in the given string type.</summary>
    public static X500DistinguishedName Subject(params (string Oid, UniversalTagNumber Type, string Value)[] attributes)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach ((string oid, UniversalTagNumber type, string value) in attributes)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteCharacterString(type, value);
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    public static X500DistinguishedName CommonName(string value) => Subject((CommonNameOid, UniversalTagNumber.UTF8String, value));

    /// <summary>A subjectAltName extension whose entries are written by <paramref name="write"/>.</summary>
    public static X509Extension SubjectAltName(Action<AsnWriter> write)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            write(writer);
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical: false);
    }

    public static void Dns(AsnWriter writer, string name) =>
        writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));

    public static void Upn(AsnWriter writer, string upn)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier("1.3.6.1.4.1.311.20.2.3");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, upn);
            }
        }
    }

    /// <summary>An otherName KRB5PrincipalName (RFC 4556 §3.2.2).</summary>
    public static void KerberosPrincipal(AsnWriter writer, string realm, int nameType, params string[] components)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier("1.3.6.1.5.2.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    WriteGeneralString(writer, realm);
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                using (writer.PushSequence())
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    {
                        writer.WriteInteger(nameType);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    using (writer.PushSequence())
                    {
                        foreach (string component in components)
                        {
                            WriteGeneralString(writer, component);
                        }
                    }
                }
            }
        }
    }

    private static void WriteGeneralString(AsnWriter writer, string value)
    {
        byte[] content = System.Text.Encoding.ASCII.GetBytes(value);
        writer.WriteEncodedValue([0x1B, (byte)content.Length, .. content]);
    }

    /// <summary>A directoryName [4] holding a Name with one CN in PrintableString, or UTF8String when it must.</summary>
    public static void DirectoryName(AsnWriter writer, string commonName)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
        {
            writer.WriteEncodedValue(Subject((CommonNameOid, commonName.All(char.IsAsciiLetterOrDigit) || commonName == "printer-7" ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String, commonName)).RawData);
        }
    }

    public static void Ip(AsnWriter writer, byte[] address) => writer.WriteOctetString(address, new Asn1Tag(TagClass.ContextSpecific, 7));
}
