using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CertBroker.Core.Tests.Architecture;

/// <summary>
/// The dependency graph between the sub-namespaces of one root namespace, read from a compiled assembly: base types,
/// interfaces, generic constraints, attributes, field, property, event and method signatures, locals, catch clauses,
/// and every type, field and method token in the IL of every method body (lambdas and async state machines count for
/// the type that declares them). A sub-namespace's own children (e.g. <c>Enrolment.Steps</c>) belong to it.
/// </summary>
/// <remarks>
/// Constants and <c>nameof</c> leave no trace in IL, so a reference made only through them is not seen.
/// </remarks>
internal sealed class NamespaceGraph
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value, code => code.OperandType);

    private readonly string _root;
    private readonly SortedDictionary<string, SortedDictionary<string, List<NamespaceReference>>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(string root) => _root = root;

    public IEnumerable<string> Layers => _edges.Keys;

    public IEnumerable<string> DependenciesOf(string layer) =>
        _edges.TryGetValue(layer, out var targets) ? targets.Keys : [];

    /// <summary>The references that make <paramref name="from"/> depend on <paramref name="to"/>, one per site and type used.</summary>
    public IReadOnlyList<NamespaceReference> References(string from, string to) => _edges[from][to];

    public static NamespaceGraph Read(string assemblyPath, string rootNamespace)
    {
        var graph = new NamespaceGraph(rootNamespace);
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        var walker = new Walker(graph, pe, metadata);
        foreach (TypeDefinitionHandle handle in metadata.TypeDefinitions)
        {
            walker.Visit(handle);
        }

        return graph;
    }

    /// <summary>
    /// One cycle per strongly connected component (Tarjan), each as the layers in order with the first repeated at
    /// the end, e.g. <c>[Profiles, Backends, Profiles]</c>. Empty when the layering is acyclic.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> FindCycles()
    {
        var index = new Dictionary<string, int>();
        var lowLink = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<HashSet<string>>();

        void Connect(string layer)
        {
            index[layer] = lowLink[layer] = index.Count;
            stack.Push(layer);
            foreach (string next in DependenciesOf(layer))
            {
                if (!index.ContainsKey(next))
                {
                    Connect(next);
                    lowLink[layer] = Math.Min(lowLink[layer], lowLink[next]);
                }
                else if (stack.Contains(next))
                {
                    lowLink[layer] = Math.Min(lowLink[layer], index[next]);
                }
            }

            if (lowLink[layer] == index[layer])
            {
                var component = new HashSet<string>(StringComparer.Ordinal);
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != layer);

                if (component.Count > 1)
                {
                    components.Add(component);
                }
            }
        }

        foreach (string layer in Layers.ToList())
        {
            if (!index.ContainsKey(layer))
            {
                Connect(layer);
            }
        }

        return [.. components.Select(ShortestCycleIn)];
    }

    // A breadth-first walk back to the component's first layer gives the shortest cycle through it, which is the
    // easiest one to read in a failure message.
    private List<string> ShortestCycleIn(HashSet<string> component)
    {
        string start = component.Order(StringComparer.Ordinal).First();
        var cameFrom = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            string layer = queue.Dequeue();
            foreach (string next in DependenciesOf(layer).Where(component.Contains))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (string step = layer; step != start; step = cameFrom[step])
                    {
                        path.Add(step);
                    }

                    path.Add(start);
                    path.Reverse();
                    return path;
                }

                if (cameFrom.TryAdd(next, layer))
                {
                    queue.Enqueue(next);
                }
            }
        }

        throw new InvalidOperationException($"No cycle through {start} in its own component.");
    }

    /// <summary>The sub-namespace a full type name belongs to, or null for a type outside the root namespace.</summary>
    private string? LayerOf(string fullName)
    {
        if (!fullName.StartsWith(_root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = fullName[(_root.Length + 1)..];
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? _root : rest[..dot];
    }

    private string Short(string fullName) => fullName.StartsWith(_root + ".", StringComparison.Ordinal)
        ? fullName[(_root.Length + 1)..]
        : fullName;

    private void Add(string siteType, string site, IEnumerable<string> targets)
    {
        string? from = LayerOf(siteType);
        if (from is null)
        {
            return;
        }

        if (!_edges.TryGetValue(from, out var targetsOfFrom))
        {
            _edges[from] = targetsOfFrom = new(StringComparer.Ordinal);
        }

        foreach (string target in targets)
        {
            string? to = LayerOf(target);
            if (to is null || to == from)
            {
                continue;
            }

            if (!targetsOfFrom.TryGetValue(to, out var references))
            {
                targetsOfFrom[to] = references = [];
                _edges.TryAdd(to, new(StringComparer.Ordinal));
            }

            var reference = new NamespaceReference(from, to, Short(site), Short(target));
            if (!references.Contains(reference))
            {
                references.Add(reference);
            }
        }
    }

    /// <summary>Walks one type definition and records what it uses.</summary>
    private sealed class Walker(NamespaceGraph graph, PEReader pe, MetadataReader metadata)
    {
        private readonly CoreTypeCollector _types = new();

        public void Visit(TypeDefinitionHandle handle)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            string owner = CoreTypeCollector.NameOf(metadata, handle);
            string typeSite = Name(handle);

            if (!type.BaseType.IsNil)
            {
                graph.Add(owner, typeSite, Resolve(type.BaseType));
            }

            foreach (InterfaceImplementationHandle implementation in type.GetInterfaceImplementations())
            {
                graph.Add(owner, typeSite, Resolve(metadata.GetInterfaceImplementation(implementation).Interface));
            }

            AddAttributes(owner, typeSite, type.GetCustomAttributes());
            AddGenericParameters(owner, typeSite, type.GetGenericParameters());

            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = metadata.GetFieldDefinition(fieldHandle);
                string site = $"{typeSite}.{metadata.GetString(field.Name)}";
                graph.Add(owner, site, field.DecodeSignature(_types, null));
                AddAttributes(owner, site, field.GetCustomAttributes());
            }

            foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
            {
                PropertyDefinition property = metadata.GetPropertyDefinition(propertyHandle);
                string site = $"{typeSite}.{metadata.GetString(property.Name)}";
                graph.Add(owner, site, CoreTypeCollector.Flatten(property.DecodeSignature(_types, null)));
                AddAttributes(owner, site, property.GetCustomAttributes());
            }

            foreach (EventDefinitionHandle eventHandle in type.GetEvents())
            {
                EventDefinition definition = metadata.GetEventDefinition(eventHandle);
                string site = $"{typeSite}.{metadata.GetString(definition.Name)}";
                graph.Add(owner, site, Resolve(definition.Type));
                AddAttributes(owner, site, definition.GetCustomAttributes());
            }

            foreach (MethodImplementationHandle implementationHandle in type.GetMethodImplementations())
            {
                MethodImplementation implementation = metadata.GetMethodImplementation(implementationHandle);
                graph.Add(owner, typeSite, Resolve(implementation.MethodDeclaration));
            }

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                VisitMethod(owner, typeSite, methodHandle);
            }
        }

        private void VisitMethod(string owner, string typeSite, MethodDefinitionHandle handle)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            string site = $"{typeSite}.{metadata.GetString(method.Name)}";
            graph.Add(owner, site, CoreTypeCollector.Flatten(method.DecodeSignature(_types, null)));
            AddAttributes(owner, site, method.GetCustomAttributes());
            AddGenericParameters(owner, site, method.GetGenericParameters());
            foreach (ParameterHandle parameter in method.GetParameters())
            {
                AddAttributes(owner, site, metadata.GetParameter(parameter).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                StandaloneSignature locals = metadata.GetStandaloneSignature(body.LocalSignature);
                graph.Add(owner, site, locals.DecodeLocalSignature(_types, null).SelectMany(local => local));
            }

            foreach (ExceptionRegion region in body.ExceptionRegions)
            {
                if (!region.CatchType.IsNil)
                {
                    graph.Add(owner, site, Resolve(region.CatchType));
                }
            }

            BlobReader il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE)
                {
                    code = unchecked((short)(0xFE00 | il.ReadByte()));
                }

                switch (OperandTypes[code])
                {
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineTok:
                    case OperandType.InlineType:
                    case OperandType.InlineSig:
                        graph.Add(owner, site, Resolve(MetadataTokens.EntityHandle(il.ReadInt32())));
                        break;
                    case OperandType.InlineSwitch:
                        // Read the count first: a compound assignment would take the offset before the read moves it.
                        int targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    default:
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void AddAttributes(string owner, string site, CustomAttributeHandleCollection attributes)
        {
            foreach (CustomAttributeHandle attribute in attributes)
            {
                graph.Add(owner, site, Resolve(metadata.GetCustomAttribute(attribute).Constructor));
            }
        }

        private void AddGenericParameters(string owner, string site, GenericParameterHandleCollection parameters)
        {
            foreach (GenericParameterHandle parameterHandle in parameters)
            {
                GenericParameter parameter = metadata.GetGenericParameter(parameterHandle);
                AddAttributes(owner, site, parameter.GetCustomAttributes());
                foreach (GenericParameterConstraintHandle constraint in parameter.GetConstraints())
                {
                    graph.Add(owner, site, Resolve(metadata.GetGenericParameterConstraint(constraint).Type));
                }
            }
        }

        /// <summary>The assembly's own types a token names: a member counts for its declaring type and its signature.</summary>
        private ImmutableArray<string> Resolve(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return [CoreTypeCollector.NameOf(metadata, (TypeDefinitionHandle)handle)];
                case HandleKind.TypeSpecification:
                    return metadata.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_types, null);
                case HandleKind.FieldDefinition:
                    FieldDefinition field = metadata.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return [.. Resolve(field.GetDeclaringType()), .. field.DecodeSignature(_types, null)];
                case HandleKind.MethodDefinition:
                    MethodDefinition method = metadata.GetMethodDefinition((MethodDefinitionHandle)handle);
                    return [.. Resolve(method.GetDeclaringType()), .. CoreTypeCollector.Flatten(method.DecodeSignature(_types, null))];
                case HandleKind.MemberReference:
                    MemberReference member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    ImmutableArray<string> signature = member.GetKind() == MemberReferenceKind.Field
                        ? member.DecodeFieldSignature(_types, null)
                        : CoreTypeCollector.Flatten(member.DecodeMethodSignature(_types, null));
                    return [.. Resolve(member.Parent), .. signature];
                case HandleKind.MethodSpecification:
                    MethodSpecification specification = metadata.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return [.. Resolve(specification.Method), .. specification.DecodeSignature(_types, null).SelectMany(argument => argument)];
                case HandleKind.StandaloneSignature:
                    StandaloneSignature standalone = metadata.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    return standalone.GetKind() == StandaloneSignatureKind.Method
                        ? CoreTypeCollector.Flatten(standalone.DecodeMethodSignature(_types, null))
                        : [.. standalone.DecodeLocalSignature(_types, null).SelectMany(local => local)];
                default:
                    // Type references (other assemblies), module references and the like cannot close a cycle here.
                    return [];
            }
        }

        private string Name(TypeDefinitionHandle handle)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            string name = metadata.GetString(type.Name);
            return type.IsNested
                ? $"{Name(type.GetDeclaringType())}+{name}"
                : CoreTypeCollector.NameOf(metadata, handle);
        }
    }
}
