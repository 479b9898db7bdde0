using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;

namespace CertBroker.Core.Names;

/// <summary>
/// Decodes a Name (RFC 5280 §4.1.2.4) and GeneralNames (§4.2.1.6) into text. Anything it cannot decode completely,
/// with nothing left over, is a <see cref="NameFormatException"/>: a name is checked as text and re-encoded, never
/// passed on as bytes.
/// </summary>
internal static class NameReader
{
    private const string UpnOid = "1.3.6.1.4.1.311.20.2.3";
    private const string KerberosPrincipalOid = "1.3.6.1.5.2.2";
    private static readonly Asn1Tag GeneralString = new(UniversalTagNumber.GeneralString);

    public static IReadOnlyList<SubjectAttribute> ReadName(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            IReadOnlyList<SubjectAttribute> name = ReadName(reader);
            reader.ThrowIfNotEmpty();
            return name;
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException or System.Text.DecoderFallbackException)
        {
            throw new NameFormatException("The subject is not a well-formed Name.", ex);
        }
    }

    public static IReadOnlyList<AlternativeName> ReadGeneralNames(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var outer = new AsnReader(encoded, AsnEncodingRules.BER);
            AsnReader sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var names = new List<AlternativeName>();
            while (sequence.HasData)
            {
                if (names.Count == CertificateNames.MaxEntries)
                {
                    throw new NameFormatException($"The subjectAltName has more than {CertificateNames.MaxEntries} entries.");
                }

                names.Add(ReadGeneralName(sequence));
            }

            if (names.Count == 0)
            {
                // RFC 5280 §4.2.1.6: GeneralNames has at least one entry.
                throw new NameFormatException("The subjectAltName is empty.");
            }

            return names;
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException or System.Text.DecoderFallbackException)
        {
            throw new NameFormatException("The subjectAltName is not well-formed GeneralNames.", ex);
        }
    }

    private static List<SubjectAttribute> ReadName(AsnReader reader)
    {
        AsnReader rdns = reader.ReadSequence();
        var attributes = new List<SubjectAttribute>();
        while (rdns.HasData)
        {
            AsnReader rdn = rdns.ReadSetOf(skipSortOrderValidation: true);
            AsnReader attribute = rdn.ReadSequence();
            if (rdn.HasData)
            {
                throw new NameFormatException("The name has a multi-valued RDN.");
            }

            string oid = attribute.ReadObjectIdentifier();
            Asn1Tag tag = attribute.PeekTag();
            if (!IsString(tag))
            {
                // A value the broker could not write back as it was is not judged as text either.
                throw new NameFormatException($"Attribute {oid} has a value that is not a string.");
            }

            string value = attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
            attribute.ThrowIfNotEmpty();
            if (attributes.Count == CertificateNames.MaxEntries)
            {
                throw new NameFormatException($"The name has more than {CertificateNames.MaxEntries} attributes.");
            }

            attributes.Add(new SubjectAttribute(SubjectAttributeType.FromOid(oid) ?? new SubjectAttributeType(oid, oid, 0, AttributeEncoding.DirectoryString), value));
        }

        return attributes;
    }

    private static bool IsString(Asn1Tag tag) =>
        tag.TagClass == TagClass.Universal && !tag.IsConstructed && (UniversalTagNumber)tag.TagValue is
            UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
            or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString or UniversalTagNumber.VisibleString
            or UniversalTagNumber.T61String;

    private static AlternativeName ReadGeneralName(AsnReader reader)
    {
        Asn1Tag tag = reader.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
        {
            throw new NameFormatException("A subjectAltName entry is not a GeneralName.");
        }

        switch (tag.TagValue)
        {
            case 0:
                return ReadOtherName(reader.ReadSequence(tag));
            case 1:
                return new AlternativeName(GeneralNameType.Rfc822Name, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            case 2:
                return new AlternativeName(GeneralNameType.DnsName, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            case 4:
                AsnReader explicitName = reader.ReadSequence(tag);
                List<SubjectAttribute> directory = ReadName(explicitName);
                explicitName.ThrowIfNotEmpty();
                if (directory.Count == 0)
                {
                    throw new NameFormatException("A directoryName entry is empty.");
                }

                return new AlternativeName(GeneralNameType.DirectoryName, string.Join(", ", Enumerable.Reverse(directory).Select(a => a.ToString()))) { Directory = directory };
            case 6:
                return new AlternativeName(GeneralNameType.Uri, reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            case 7:
                byte[] address = reader.ReadOctetString(tag);
                if (address.Length is not (4 or 16))
                {
                    throw new NameFormatException($"An iPAddress entry has {address.Length} bytes, not 4 or 16.");
                }

                return new AlternativeName(GeneralNameType.IpAddress, new IPAddress(address).ToString());
            case 3 or 5 or 8:
                reader.ReadEncodedValue();
                return new AlternativeName(GeneralNameType.Other, tag.TagValue switch { 3 => "x400Address", 5 => "ediPartyName", _ => "registeredID" });
            default:
                throw new NameFormatException($"A subjectAltName entry has the unknown tag [{tag.TagValue}].");
        }
    }

    private static AlternativeName ReadOtherName(AsnReader otherName)
    {
        string typeId = otherName.ReadObjectIdentifier();
        AsnReader value = otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        otherName.ThrowIfNotEmpty();
        if (typeId == KerberosPrincipalOid)
        {
            AlternativeName principal = ReadKerberosPrincipal(value.ReadSequence());
            value.ThrowIfNotEmpty();
            return principal;
        }

        if (typeId != UpnOid)
        {
            value.ReadEncodedValue();
            value.ThrowIfNotEmpty();
            return new AlternativeName(GeneralNameType.Other, $"otherName {typeId}");
        }

        string upn = value.ReadCharacterString(UniversalTagNumber.UTF8String);
        value.ThrowIfNotEmpty();
        return new AlternativeName(GeneralNameType.Upn, upn);
    }

    // KRB5PrincipalName ::= SEQUENCE { realm [0] Realm, principalName [1] PrincipalName } (RFC 4556 §3.2.2), with
    // PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } (RFC 4120 §5.2.2).
    private static AlternativeName ReadKerberosPrincipal(AsnReader principal)
    {
        AsnReader realmField = principal.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        string realm = ReadGeneralString(realmField);
        realmField.ThrowIfNotEmpty();
        AsnReader nameField = principal.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
        principal.ThrowIfNotEmpty();
        AsnReader name = nameField.ReadSequence();
        nameField.ThrowIfNotEmpty();
        AsnReader typeField = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        if (!typeField.TryReadInt32(out int nameType))
        {
            throw new NameFormatException("A Kerberos principal's name-type is not an Int32.");
        }

        typeField.ThrowIfNotEmpty();
        AsnReader stringsField = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
        name.ThrowIfNotEmpty();
        AsnReader strings = stringsField.ReadSequence();
        stringsField.ThrowIfNotEmpty();
        var components = new List<string>();
        while (strings.HasData)
        {
            string component = ReadGeneralString(strings);
            if (component.Length == 0 || component.Contains('/') || component.Contains('@') || components.Count == 8)
            {
                throw new NameFormatException("A Kerberos principal has an empty component, one with '/' or '@', or more than 8.");
            }

            components.Add(component);
        }

        if (components.Count == 0)
        {
            throw new NameFormatException("A Kerberos principal has no name.");
        }

        return new AlternativeName(GeneralNameType.KerberosPrincipal, $"{string.Join('/', components)}@{realm}") { KerberosNameType = nameType };
    }

    // KerberosString is a GeneralString restricted to IA5 characters (RFC 4120 §5.2.1); .NET reads no GeneralString.
    private static string ReadGeneralString(AsnReader reader)
    {
        if (reader.PeekTag() != GeneralString)
        {
            throw new NameFormatException("A KerberosString is not a GeneralString.");
        }

        ReadOnlyMemory<byte> encoded = reader.ReadEncodedValue();
        AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.BER, out int offset, out int length, out _);
        ReadOnlySpan<byte> bytes = encoded.Span.Slice(offset, length);
        if (!System.Text.Ascii.IsValid(bytes))
        {
            throw new NameFormatException("A KerberosString holds characters outside IA5.");
        }

        return System.Text.Encoding.ASCII.GetString(bytes);
    }
}
