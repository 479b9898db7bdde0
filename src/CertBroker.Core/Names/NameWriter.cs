using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Names;

/// <summary>Encodes checked names in DER: the broker's own encoding, never the request's bytes.</summary>
public static class NameWriter
{
    private const string UpnOid = "1.3.6.1.4.1.311.20.2.3";
    private const string KerberosPrincipalOid = "1.3.6.1.5.2.2";

    public static X500DistinguishedName Subject(IReadOnlyList<SubjectAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteName(writer, attributes, tag: null);
        return new X500DistinguishedName(writer.Encode());
    }

    /// <summary>The subjectAltName extension, or null without entries; critical when the subject is empty (RFC 5280 §4.2.1.6).</summary>
    public static X509Extension? SubjectAltName(IReadOnlyList<AlternativeName> names, bool emptySubject)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return null;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (AlternativeName name in names)
            {
                WriteGeneralName(writer, name);
            }
        }

        return new X509Extension(CertificateNames.SubjectAltNameOid, writer.Encode(), emptySubject);
    }

    private static void WriteGeneralName(AsnWriter writer, AlternativeName name)
    {
        switch (name.Type)
        {
            case GeneralNameType.Rfc822Name:
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, new Asn1Tag(TagClass.ContextSpecific, 1));
                break;
            case GeneralNameType.DnsName:
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, new Asn1Tag(TagClass.ContextSpecific, 2));
                break;
            case GeneralNameType.DirectoryName:
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                {
                    WriteName(writer, name.Directory, tag: null);
                }

                break;
            case GeneralNameType.Uri:
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name.Value, new Asn1Tag(TagClass.ContextSpecific, 6));
                break;
            case GeneralNameType.IpAddress:
                writer.WriteOctetString(IPAddress.Parse(name.Value).GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
                break;
            case GeneralNameType.Upn:
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteObjectIdentifier(UpnOid);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    {
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, name.Value);
                    }
                }

                break;
            case GeneralNameType.KerberosPrincipal:
                WriteKerberosPrincipal(writer, name);
                break;
            default:
                throw new ArgumentException($"A {name.TypeName} entry is never issued.", nameof(name));
        }
    }

    private static void WriteKerberosPrincipal(AsnWriter writer, AlternativeName name)
    {
        int at = name.Value.LastIndexOf('@');
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(KerberosPrincipalOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteEncodedValue(GeneralString(name.Value[(at + 1)..]));
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                using (writer.PushSequence())
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    {
                        writer.WriteInteger(name.KerberosNameType);
                    }

                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    using (writer.PushSequence())
                    {
                        foreach (string component in name.Value[..at].Split('/'))
                        {
                            writer.WriteEncodedValue(GeneralString(component));
                        }
                    }
                }
            }
        }
    }

    // .NET writes no GeneralString: the TLV by hand, in DER.
    private static byte[] GeneralString(string value)
    {
        byte[] content = System.Text.Encoding.ASCII.GetBytes(value);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(content);
        byte[] encoded = writer.Encode();
        encoded[0] = (byte)UniversalTagNumber.GeneralString;
        return encoded;
    }

    private static void WriteName(AsnWriter writer, IReadOnlyList<SubjectAttribute> attributes, Asn1Tag? tag)
    {
        using (writer.PushSequence(tag))
        {
            foreach (SubjectAttribute attribute in attributes)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(attribute.Type.Oid);
                    writer.WriteCharacterString(StringType(attribute), attribute.Value);
                }
            }
        }
    }

    private static UniversalTagNumber StringType(SubjectAttribute attribute) => attribute.Type.Encoding switch
    {
        AttributeEncoding.Printable => UniversalTagNumber.PrintableString,
        AttributeEncoding.Ia5 => UniversalTagNumber.IA5String,
        _ => NameCharacters.IsPrintableString(attribute.Value) ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String,
    };
}
