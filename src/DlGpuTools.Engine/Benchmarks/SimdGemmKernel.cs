using System;
using System.Linq.Expressions;
using System.Reflection;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The FP32 micro-kernel of the managed GEMM, built at run time because the module's netstandard2.0 build can
    /// name neither a vector type nor Reflection.Emit: on .NET 8+ (PowerShell 7) it finds System.Runtime.Intrinsics
    /// by reflection and compiles an expression tree that keeps a (2 vectors) x 6 tile of C in 12 vector locals and
    /// updates them with fused multiply-adds, the widest the CPU has: AVX-512 (Vector512, Avx512F.FusedMultiplyAdd),
    /// else AVX2 with FMA (Vector256, Fma.MultiplyAdd), else System.Numerics.Vector&lt;float&gt; multiply and add.
    /// Compiled expression trees are dynamic methods: the JIT expands the intrinsics there as anywhere and compiles
    /// them fully optimised. Where none is available (Windows PowerShell 5.1's .NET Framework has no intrinsics),
    /// <see cref="Instance"/> is null and the scalar kernel runs.
    /// </summary>
    internal sealed class SimdGemmKernel
    {
        private const int Columns = 6;

        private SimdGemmKernel(Action<float[], int, float[], int, int, float[]> run, int lanes, string description)
        {
            Run = run;
            Lanes = lanes;
            Description = description;
        }

        /// <summary>The kernel for this process, or null where no vector path exists.</summary>
        public static SimdGemmKernel? Instance { get; } = TryCreate();

        /// <summary>
        /// (packed A, its offset, packed B, its offset, kc, tile): tile[h * Lanes + j * Rows] = the product of the A panel
        /// (Rows x kc, element (r, p) at p * Rows + r) and the B panel (kc x 6, element (p, j) at p * 6 + j).
        /// </summary>
        public Action<float[], int, float[], int, int, float[]> Run { get; }

        /// <summary>FP32 lanes per vector; the tile is 2 x Lanes rows.</summary>
        public int Lanes { get; }

        public int Rows => 2 * Lanes;

        /// <summary>What was built, for results: "AVX-512 FMA (Vector512), 32x6 register tiles".</summary>
        public string Description { get; }

        private static SimdGemmKernel? TryCreate()
        {
            try
            {
                Assembly core = typeof(object).Assembly;
                Type? avx512 = core.GetType("System.Runtime.Intrinsics.X86.Avx512F");
                Type? fma = core.GetType("System.Runtime.Intrinsics.X86.Fma");
                // The VectorN helpers (Create from an array, broadcast, CopyTo) are expanded by the JIT only where
                // VectorN.IsHardwareAccelerated; elsewhere they are element-by-element software, which made the first
                // AVX-512 kernel run at 6% of an H100 host's peak (.NET does not accelerate Vector512 on every
                // AVX-512 CPU). So a width is used only where both its FMA and its helpers are in hardware.
                if (IsSupported(avx512) && Accelerated(core, "Vector512") && Intrinsic(core, "Vector512", avx512!, "FusedMultiplyAdd") is var (v512, load512, copy512, fma512))
                    return Build(v512, 16, load512, copy512, fma512, null, null, "AVX-512 FMA (Vector512)");
                if (IsSupported(fma) && Accelerated(core, "Vector256") && Intrinsic(core, "Vector256", fma!, "MultiplyAdd") is var (v256, load256, copy256, fma256))
                    return Build(v256, 8, load256, copy256, fma256, null, null, "AVX2 FMA (Vector256)");

                Type? numerics = core.GetType("System.Numerics.Vector`1");
                if (numerics != null && core.GetType("System.Numerics.Vector")?.GetProperty("IsHardwareAccelerated")?.GetValue(null) is true)
                {
                    Type vector = numerics.MakeGenericType(typeof(float));
                    int lanes = (int)vector.GetProperty("Count")!.GetValue(null)!;
                    ConstructorInfo? fromArray = vector.GetConstructor(new[] { typeof(float[]), typeof(int) });
                    MethodInfo? copy = vector.GetMethod("CopyTo", new[] { typeof(float[]), typeof(int) });
                    MethodInfo? multiply = vector.GetMethod("op_Multiply", new[] { vector, vector });
                    MethodInfo? add = vector.GetMethod("op_Addition", new[] { vector, vector });
                    if (fromArray != null && copy != null && multiply != null && add != null && lanes >= 4)
                        return Build(vector, lanes, null, copy, null, multiply, add, $"Vector<float> multiply and add ({lanes * 32}-bit, no FMA)", fromArray);
                }
            }
            catch (Exception e) when (e is TypeLoadException || e is ArgumentException || e is InvalidOperationException || e is NotSupportedException || e is MemberAccessException || e is TargetInvocationException || e is InvalidProgramException)
            {
                // A runtime without these types, or one that refuses the compiled tree: the scalar kernel runs instead.
            }

            return null;
        }

        private static bool IsSupported(Type? isa) => isa?.GetProperty("IsSupported")?.GetValue(null) is true;

        private static bool Accelerated(Assembly core, string helpers) =>
            core.GetType("System.Runtime.Intrinsics." + helpers)?.GetProperty("IsHardwareAccelerated")?.GetValue(null) is true;

        /// <summary>VectorN&lt;float&gt;, VectorN.Create(float[], int), VectorN.CopyTo(VectorN&lt;float&gt;, float[], int) and the ISA's multiply-add; null when one is missing.</summary>
        private static (Type Vector, MethodInfo Load, MethodInfo Copy, MethodInfo MultiplyAdd)? Intrinsic(Assembly core, string name, Type isa, string multiplyAddName)
        {
            Type? open = core.GetType("System.Runtime.Intrinsics." + name + "`1");
            Type? helpers = core.GetType("System.Runtime.Intrinsics." + name);
            if (open == null || helpers == null) return null;
            Type vector = open.MakeGenericType(typeof(float));
            MethodInfo? load = null, copy = null;
            foreach (MethodInfo m in helpers.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                ParameterInfo[] ps = m.GetParameters();
                if (m.Name == "Create" && m.IsGenericMethodDefinition && ps.Length == 2 && ps[0].ParameterType.IsArray && ps[1].ParameterType == typeof(int)) load = m.MakeGenericMethod(typeof(float));
                if (m.Name == "CopyTo" && m.IsGenericMethodDefinition && ps.Length == 3 && ps[1].ParameterType.IsArray && ps[2].ParameterType == typeof(int)) copy = m.MakeGenericMethod(typeof(float));
            }

            MethodInfo? multiplyAdd = isa.GetMethod(multiplyAddName, new[] { vector, vector, vector });
            return load != null && copy != null && multiplyAdd != null ? (vector, load, copy, multiplyAdd) : ((Type, MethodInfo, MethodInfo, MethodInfo)?)null;
        }

        private static SimdGemmKernel Build(Type vector, int lanes, MethodInfo? load, MethodInfo copy, MethodInfo? multiplyAdd, MethodInfo? multiply, MethodInfo? add, string description, ConstructorInfo? fromArray = null)
        {
            ParameterExpression a = Expression.Parameter(typeof(float[]), "a"), aOffset = Expression.Parameter(typeof(int), "aOffset");
            ParameterExpression b = Expression.Parameter(typeof(float[]), "b"), bOffset = Expression.Parameter(typeof(int), "bOffset");
            ParameterExpression kc = Expression.Parameter(typeof(int), "kc"), tile = Expression.Parameter(typeof(float[]), "tile");
            var acc = new ParameterExpression[2, Columns];
            var variables = new System.Collections.Generic.List<ParameterExpression>();
            for (int j = 0; j < Columns; j++)
            {
                for (int h = 0; h < 2; h++)
                {
                    acc[h, j] = Expression.Variable(vector, $"c{h}{j}");
                    variables.Add(acc[h, j]);
                }
            }

            ParameterExpression a0 = Expression.Variable(vector, "a0"), a1 = Expression.Variable(vector, "a1"), bv = Expression.Variable(vector, "b"), p = Expression.Variable(typeof(int), "p");
            variables.AddRange(new[] { a0, a1, bv, p });
            Expression Load(Expression array, Expression index) => fromArray != null ? Expression.New(fromArray, array, index) : (Expression)Expression.Call(load!, array, index);
            Expression Broadcast(Expression value) => fromArray != null ? Expression.New(vector.GetConstructor(new[] { typeof(float) })!, value) : (Expression)Expression.Call(load!.DeclaringType!.GetMethod("Create", new[] { typeof(float) })!, value);
            Expression MultiplyAdd(Expression x, Expression y, Expression z) => multiplyAdd != null ? Expression.Call(multiplyAdd, x, y, z) : (Expression)Expression.Call(add!, Expression.Call(multiply!, x, y), z);

            var body = new System.Collections.Generic.List<Expression>();
            foreach (ParameterExpression c in acc) body.Add(Expression.Assign(c, Expression.Default(vector)));
            body.Add(Expression.Assign(p, Expression.Constant(0)));
            LabelTarget done = Expression.Label("done");
            var step = new System.Collections.Generic.List<Expression>
            {
                Expression.IfThen(Expression.GreaterThanOrEqual(p, kc), Expression.Break(done)),
                Expression.Assign(a0, Load(a, aOffset)),
                Expression.Assign(a1, Load(a, Expression.Add(aOffset, Expression.Constant(lanes)))),
            };
            for (int j = 0; j < Columns; j++)
            {
                step.Add(Expression.Assign(bv, Broadcast(Expression.ArrayIndex(b, Expression.Add(bOffset, Expression.Constant(j))))));
                step.Add(Expression.Assign(acc[0, j], MultiplyAdd(a0, bv, acc[0, j])));
                step.Add(Expression.Assign(acc[1, j], MultiplyAdd(a1, bv, acc[1, j])));
            }

            step.Add(Expression.AddAssign(aOffset, Expression.Constant(2 * lanes)));
            step.Add(Expression.AddAssign(bOffset, Expression.Constant(Columns)));
            step.Add(Expression.PreIncrementAssign(p));
            body.Add(Expression.Loop(Expression.Block(step), done));
            for (int j = 0; j < Columns; j++)
            {
                for (int h = 0; h < 2; h++)
                {
                    Expression index = Expression.Constant(h * lanes + j * 2 * lanes);
                    body.Add(copy.IsStatic ? Expression.Call(copy, acc[h, j], tile, index) : Expression.Call(acc[h, j], copy, tile, index));
                }
            }

            var lambda = Expression.Lambda<Action<float[], int, float[], int, int, float[]>>(Expression.Block(variables, body), a, aOffset, b, bOffset, kc, tile);
            return new SimdGemmKernel(lambda.Compile(), lanes, $"{description}, {2 * lanes}x{Columns} register tiles");
        }
    }
}
