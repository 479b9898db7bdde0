using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace CertBroker.Core.Tests.Architecture;

/// <summary>
/// Decodes signatures into the full names of the assembly's own types they mention, through generic arguments,
/// arrays, pointers and modifiers. Types from other assemblies are left out: they cannot be part of a cycle here.
/// </summary>
internal sealed class CoreTypeCollector
    : ISignatureTypeProvider<ImmutableArray<string>, object?>
{
    private static readonly ImmutableArray<string> None = [];

    public ImmutableArray<string> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) =>
        [NameOf(metadata, handle)];

    public ImmutableArray<string> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => None;

    public ImmutableArray<string> GetTypeFromSpecification(
        MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
        [.. genericType, .. typeArguments.SelectMany(argument => argument)];

    public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) => Flatten(signature);

    public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) =>
        [.. modifier, .. unmodifiedType];

    public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;

    public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;

    public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;

    public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;

    public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;

    public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;

    public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => None;

    public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => None;

    public static ImmutableArray<string> Flatten(MethodSignature<ImmutableArray<string>> signature) =>
        [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(parameter => parameter)];

    /// <summary>The full name of a type; a nested type (closures, state machines included) counts as its outermost type.</summary>
    public static string NameOf(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        TypeDefinition type = metadata.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = metadata.GetTypeDefinition(type.GetDeclaringType());
        }

        string ns = metadata.GetString(type.Namespace);
        string name = metadata.GetString(type.Name);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }
}
