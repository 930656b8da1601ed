// Package helm holds the lofty-mcp chart (lofty-mcp/) and its tests: the
// chart is linted (strict) and rendered by Helm's own packages (what `helm
// lint --strict` and `helm template` run), and every object it renders is
// decoded strictly into the Kubernetes API types and checked. No cluster.
package helm

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

const (
	chartDir  = "lofty-mcp"
	release   = "lofty-mcp"
	namespace = "mcp"
	// What a client reaches the Service at inside the cluster.
	serviceHost = "lofty-mcp.mcp.svc.cluster.local"
	// The cluster version the tests render for unless one says otherwise.
	// (Helm used as a library, like a helm built with plain go build or go
	// run, assumes v1.20 when its build did not stamp one.)
	defaultKubeVersion = "v1.34.0"
)

// The secret settings: only ever from a Secret, never a plain value.
var secretVars = []string{
	"LOFTY_MCP_AUTH_TOKEN", "LOFTY_API_KEY", "LOFTY_ACCESS_TOKEN", "LOFTY_MCP_SESSION_KEY",
	"LOFTY_MCP_SECRET_KEY", "LOFTY_OAUTH_CLIENT_ID", "LOFTY_OAUTH_CLIENT_SECRET",
}

var (
	loadOnce sync.Once
	loaded   *chart.Chart
	loadErr  error
)

func theChart(t *testing.T) *chart.Chart {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = loader.Load(chartDir) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

// objects is one rendering, decoded.
type objects struct {
	Deployment     *appsv1.Deployment
	Service        *corev1.Service
	ServiceAccount *corev1.ServiceAccount
	Ingress        *networkingv1.Ingress
	PDB            *policyv1.PodDisruptionBudget
	Kinds          []string
	Notes          string
}

func values(t *testing.T, y string) map[string]any {
	t.Helper()
	v := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &v); err != nil {
		t.Fatalf("values %q: %v", y, err)
	}
	return v
}

// render runs what `helm template lofty-mcp deploy/helm/lofty-mcp -n mcp
// -f values.yaml --kube-version V` runs, and decodes every object strictly:
// a field the Kubernetes API does not have, a duplicate field or a value of
// the wrong type is an error.
func render(t *testing.T, vals map[string]any, kubeVersion string) (*objects, error) {
	t.Helper()
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun = true
	install.ClientOnly = true
	install.Replace = true
	install.ReleaseName = release
	install.Namespace = namespace
	if kubeVersion == "" {
		kubeVersion = defaultKubeVersion
	}
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	install.KubeVersion = kv
	rel, err := install.Run(theChart(t), vals)
	if err != nil {
		return nil, err
	}
	o := &objects{Notes: rel.Info.Notes}
	manifests := releaseutil.SplitManifests(rel.Manifest)
	for _, k := range slices.Sorted(maps.Keys(manifests)) {
		doc := manifests[k]
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s: %v\n%s", k, err, doc)
		}
		var into any
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			o.Deployment = &appsv1.Deployment{}
			into = o.Deployment
		case "v1 Service":
			o.Service = &corev1.Service{}
			into = o.Service
		case "v1 ServiceAccount":
			o.ServiceAccount = &corev1.ServiceAccount{}
			into = o.ServiceAccount
		case "networking.k8s.io/v1 Ingress":
			o.Ingress = &networkingv1.Ingress{}
			into = o.Ingress
		case "policy/v1 PodDisruptionBudget":
			o.PDB = &policyv1.PodDisruptionBudget{}
			into = o.PDB
		default:
			t.Fatalf("the chart rendered a %s %s, which this test does not know:\n%s", tm.APIVersion, tm.Kind, doc)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
			t.Fatalf("%s %s does not decode strictly into the Kubernetes API type: %v\n%s", tm.APIVersion, tm.Kind, err, doc)
		}
		o.Kinds = append(o.Kinds, tm.Kind)
	}
	sort.Strings(o.Kinds)
	return o, nil
}

// lintStrict runs what `helm lint --strict -n mcp -f values.yaml` runs.
func lintStrict(t *testing.T, vals map[string]any) {
	t.Helper()
	l := action.NewLint()
	l.Strict = true
	l.Namespace = namespace
	kv, err := chartutil.ParseKubeVersion(defaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	l.KubeVersion = kv
	res := l.Run([]string{chartDir}, vals)
	for _, err := range res.Errors {
		t.Errorf("helm lint: %v", err)
	}
	for _, m := range res.Messages {
		if m.Severity > support.InfoSev {
			t.Errorf("helm lint --strict: %s", m)
		}
	}
	if res.TotalChartsLinted != 1 {
		t.Errorf("helm lint linted %d charts", res.TotalChartsLinted)
	}
}

// want is what a value set must render.
type want struct {
	replicas   int32
	secret     string   // the Secret's name
	secretEnv  []string // the variables from it
	plainEnv   map[string]string
	hosts      []string // in LOFTY_MCP_ALLOWED_HOSTS, besides the Service's names
	args       []string
	ingress    string // the Ingress host, "" for no Ingress
	metrics    bool
	preStop    bool
	noPlainEnv []string // variables that must not be set
	state      string   // OAuth's --state-dir volume: "" none, "emptyDir", or a claim's name
}

func TestChartRendersEachValueSet(t *testing.T) {
	defaults := want{
		replicas: 2, secret: "lofty-mcp",
		secretEnv: []string{"LOFTY_MCP_AUTH_TOKEN", "LOFTY_API_KEY", "LOFTY_MCP_SESSION_KEY"},
		plainEnv:  map[string]string{"LOFTY_MCP_ADDR": ":8080", "LOFTY_MCP_LOG_FORMAT": "json", "LOFTY_MCP_LOG_LEVEL": "info"},
		preStop:   true,
		noPlainEnv: []string{"LOFTY_MCP_METRICS_ADDR", "LOFTY_REDIS_URL", "LOFTY_MCP_OAUTH", "LOFTY_MCP_PUBLIC_URL",
			"LOFTY_BASE_URL", "LOFTY_MCP_ALLOWED_ORIGINS"},
	}
	with := func(f func(*want)) want {
		w := defaults
		w.secretEnv = slices.Clone(defaults.secretEnv)
		w.plainEnv = maps.Clone(defaults.plainEnv)
		w.noPlainEnv = slices.Clone(defaults.noPlainEnv)
		f(&w)
		return w
	}
	for _, tc := range []struct {
		name, values, kube string
		want               want
	}{
		{"defaults", ``, "", defaults},
		{"ingress", `
ingress:
  enabled: true
  className: nginx
  annotations:
    nginx.ingress.kubernetes.io/proxy-buffering: "off"
  hosts:
    - host: mcp.example.com
      paths: [{path: /, pathType: Prefix}]
  tls:
    - secretName: mcp-example-com-tls
      hosts: [mcp.example.com]
`, "", with(func(w *want) { w.ingress = "mcp.example.com"; w.hosts = []string{"mcp.example.com"} })},
		{"metrics", `metrics: {enabled: true}`, "", with(func(w *want) {
			w.metrics = true
			w.plainEnv["LOFTY_MCP_METRICS_ADDR"] = ":9090"
			w.noPlainEnv = slices.DeleteFunc(w.noPlainEnv, func(s string) bool { return s == "LOFTY_MCP_METRICS_ADDR" })
		})},
		{"redis by URL", `redis: {enabled: true, url: "redis://redis-master:6379/0"}`, "", with(func(w *want) {
			w.plainEnv["LOFTY_REDIS_URL"] = "redis://redis-master:6379/0"
			w.noPlainEnv = slices.DeleteFunc(w.noPlainEnv, func(s string) bool { return s == "LOFTY_REDIS_URL" })
		})},
		{"redis URL from the Secret", `redis: {enabled: true, urlFromSecret: true}`, "", with(func(w *want) {
			w.secretEnv = append(w.secretEnv, "LOFTY_REDIS_URL")
		})},
		{"oauth", `
oauth: {enabled: true, publicURL: "https://mcp.example.com", loftySignIn: true}
auth: {token: false}
lofty: {credential: none}
redis: {enabled: true, urlFromSecret: true}
existingSecret: lofty-mcp-secrets
`, "", with(func(w *want) {
			w.secret = "lofty-mcp-secrets"
			w.secretEnv = []string{"LOFTY_MCP_SESSION_KEY", "LOFTY_MCP_SECRET_KEY", "LOFTY_OAUTH_CLIENT_ID", "LOFTY_OAUTH_CLIENT_SECRET", "LOFTY_REDIS_URL"}
			w.plainEnv["LOFTY_MCP_OAUTH"] = "1"
			w.plainEnv["LOFTY_MCP_PUBLIC_URL"] = "https://mcp.example.com"
			w.noPlainEnv = []string{"LOFTY_MCP_METRICS_ADDR", "LOFTY_REDIS_URL"}
			w.hosts = []string{"mcp.example.com"}
		})},
		{"one replica, oauth without redis, access token, own settings, Kubernetes 1.29", `
replicaCount: 1
oauth: {enabled: true, publicURL: "https://connector.example.org/"}
lofty: {credential: accessToken, requireRequestCredentials: true, baseURL: "https://api.lofty.com"}
sessionKey: false
image: {digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
env: {LOFTY_RATE_LIMIT: 10, LOFTY_TOOLSETS: all}
allowedHosts: [mcp.internal.example]
allowedOrigins: ["https://app.example.com"]
extraArgs: ["--max-sessions", "500"]
logFormat: text
podDisruptionBudget: {enabled: true, maxUnavailable: 1}
`, "v1.29.0", with(func(w *want) {
			w.replicas = 1
			w.secretEnv = []string{"LOFTY_MCP_AUTH_TOKEN", "LOFTY_ACCESS_TOKEN", "LOFTY_MCP_SECRET_KEY"}
			w.plainEnv["LOFTY_MCP_OAUTH"] = "1"
			w.plainEnv["LOFTY_MCP_PUBLIC_URL"] = "https://connector.example.org/"
			w.plainEnv["LOFTY_BASE_URL"] = "https://api.lofty.com"
			w.plainEnv["LOFTY_RATE_LIMIT"] = "10"
			w.plainEnv["LOFTY_TOOLSETS"] = "all"
			w.plainEnv["LOFTY_MCP_ALLOWED_ORIGINS"] = "https://app.example.com"
			w.plainEnv["LOFTY_MCP_LOG_FORMAT"] = "text"
			w.noPlainEnv = []string{"LOFTY_MCP_METRICS_ADDR", "LOFTY_REDIS_URL"}
			w.hosts = []string{"connector.example.org", "mcp.internal.example"}
			w.args = []string{"--require-request-credentials", "--max-sessions", "500"}
			w.plainEnv["LOFTY_MCP_STATE_DIR"] = "/var/lib/lofty-mcp"
			w.preStop = false
			w.state = "emptyDir"
		})},
		{"one replica, oauth grants on a volume claim, a privacy contact", `
replicaCount: 1
oauth: {enabled: true, publicURL: "https://mcp.example.com", stateClaim: lofty-mcp-state, privacyContact: privacy@example.com}
`, "", with(func(w *want) {
			w.replicas = 1
			w.secretEnv = append(w.secretEnv, "LOFTY_MCP_SECRET_KEY")
			w.plainEnv["LOFTY_MCP_OAUTH"] = "1"
			w.plainEnv["LOFTY_MCP_PUBLIC_URL"] = "https://mcp.example.com"
			w.plainEnv["LOFTY_MCP_PRIVACY_CONTACT"] = "privacy@example.com"
			w.plainEnv["LOFTY_MCP_STATE_DIR"] = "/var/lib/lofty-mcp"
			w.noPlainEnv = []string{"LOFTY_MCP_METRICS_ADDR", "LOFTY_REDIS_URL"}
			w.hosts = []string{"mcp.example.com"}
			w.state = "lofty-mcp-state"
		})},
		{"demo behind an authenticating proxy", `{demo: true, auth: {token: false, insecureNoAuth: true}, lofty: {credential: none}}`, "", with(func(w *want) {
			w.secretEnv = []string{"LOFTY_MCP_SESSION_KEY"}
			w.args = []string{"--demo", "--insecure-no-auth"}
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := values(t, tc.values)
			lintStrict(t, vals)
			o, err := render(t, vals, tc.kube)
			if err != nil {
				t.Fatal(err)
			}
			checkObjects(t, theChart(t), o, tc.want)
		})
	}
}

func checkObjects(t *testing.T, ch *chart.Chart, o *objects, w want) {
	t.Helper()
	wantKinds := []string{"Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"}
	if w.ingress != "" {
		wantKinds = append(wantKinds, "Ingress")
		sort.Strings(wantKinds)
	}
	if !slices.Equal(o.Kinds, wantKinds) {
		t.Fatalf("rendered %v, want %v", o.Kinds, wantKinds)
	}
	d, svc, pdb, sa := o.Deployment, o.Service, o.PDB, o.ServiceAccount
	selector := map[string]string{"app.kubernetes.io/name": "lofty-mcp", "app.kubernetes.io/instance": release}
	for _, m := range []metav1.ObjectMeta{d.ObjectMeta, svc.ObjectMeta, pdb.ObjectMeta, sa.ObjectMeta} {
		if errs := validation.IsDNS1123Label(m.Name); len(errs) > 0 {
			t.Errorf("name %q: %v", m.Name, errs)
		}
		for k, v := range m.Labels {
			if errs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(errs) > 0 {
				t.Errorf("%s label %s=%s: %v", m.Name, k, v, errs)
			}
		}
		if m.Labels["app.kubernetes.io/managed-by"] != "Helm" || m.Labels["app.kubernetes.io/version"] != ch.Metadata.AppVersion {
			t.Errorf("%s labels %v", m.Name, m.Labels)
		}
	}

	// Deployment: replicas, selector.
	if d.Spec.Replicas == nil || *d.Spec.Replicas != w.replicas {
		t.Errorf("replicas %v, want %d", d.Spec.Replicas, w.replicas)
	}
	if !maps.Equal(d.Spec.Selector.MatchLabels, selector) {
		t.Errorf("deployment selector %v, want %v", d.Spec.Selector.MatchLabels, selector)
	}
	pod := d.Spec.Template
	for k, v := range selector {
		if pod.Labels[k] != v {
			t.Errorf("pod labels %v lack the selector's %s=%s", pod.Labels, k, v)
		}
	}

	// Pod: its own service account with no API token, non-root.
	ps := pod.Spec
	if ps.ServiceAccountName != sa.Name || ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken ||
		sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
		t.Errorf("service account %q (object %q): token mounted", ps.ServiceAccountName, sa.Name)
	}
	psc := ps.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != 65532 ||
		psc.RunAsGroup == nil || *psc.RunAsGroup != 65532 || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v", psc)
	}
	if psc != nil && (psc.FSGroup == nil || *psc.FSGroup != 65532) {
		t.Errorf("pod fsGroup %v, want 65532 (volumes writable by the image's group)", psc.FSGroup)
	}
	if ps.TerminationGracePeriodSeconds == nil || *ps.TerminationGracePeriodSeconds < 15 {
		t.Errorf("terminationGracePeriodSeconds %v: less than the preStop wait plus lofty-mcp's 10s drain", ps.TerminationGracePeriodSeconds)
	}
	if len(ps.TopologySpreadConstraints) != 1 || !maps.Equal(ps.TopologySpreadConstraints[0].LabelSelector.MatchLabels, selector) {
		t.Errorf("topology spread %+v", ps.TopologySpreadConstraints)
	}

	if len(ps.Containers) != 1 {
		t.Fatalf("%d containers", len(ps.Containers))
	}
	c := ps.Containers[0]
	wantImage := "ghcr.io/lofty-mcp/lofty-mcp:" + ch.Metadata.AppVersion
	if strings.Contains(c.Image, "@") {
		wantImage = "ghcr.io/lofty-mcp/lofty-mcp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	}
	if c.Image != wantImage {
		t.Errorf("image %q, want %q", c.Image, wantImage)
	}
	if len(c.Command) > 0 {
		t.Errorf("command %q replaces the image's entrypoint (lofty-mcp http)", c.Command)
	}
	if !slices.Equal(c.Args, w.args) {
		t.Errorf("args %q, want %q", c.Args, w.args)
	}

	// Container: read-only root, no privilege escalation, no capabilities.
	sc := c.SecurityContext
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Privileged == nil || *sc.Privileged || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("container security context %+v", sc)
	}

	// Resources: requests and limits for CPU and memory, requests within limits.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
		if req.IsZero() || lim.IsZero() || req.Cmp(lim) > 0 {
			t.Errorf("%s: request %s, limit %s", r, req.String(), lim.String())
		}
	}
	if got := c.Resources.Limits[corev1.ResourceMemory]; got.Cmp(resource.MustParse("64Mi")) < 0 {
		t.Errorf("memory limit %s is too small for lofty-mcp (about 20 MB idle, plus its cache)", got.String())
	}

	// Ports and probes.
	ports := map[string]int32{}
	for _, p := range c.Ports {
		if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
			t.Errorf("port name %q: %v", p.Name, errs)
		}
		ports[p.Name] = p.ContainerPort
	}
	wantPorts := map[string]int32{"http": 8080}
	if w.metrics {
		wantPorts["metrics"] = 9090
	}
	if !maps.Equal(ports, wantPorts) {
		t.Errorf("container ports %v, want %v", ports, wantPorts)
	}
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != intstr.FromString("http") {
			t.Errorf("%s probe %+v, want GET %s on port http", p.name, p.probe, p.path)
			continue
		}
		if p.probe.PeriodSeconds == 0 || p.probe.TimeoutSeconds == 0 || p.probe.FailureThreshold == 0 {
			t.Errorf("%s probe %+v: period, timeout and failure threshold should be set", p.name, p.probe)
		}
	}
	hasSleep := c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil && c.Lifecycle.PreStop.Sleep.Seconds > 0
	if hasSleep != w.preStop {
		t.Errorf("preStop sleep: %v, want %v (lifecycle %+v)", hasSleep, w.preStop, c.Lifecycle)
	}
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Exec != nil {
		t.Error("a preStop exec hook: the image has no shell or sleep binary")
	}

	// Volumes: OAuth's state directory only; the root filesystem is read-only.
	switch {
	case w.state == "":
		if len(ps.Volumes) > 0 || len(c.VolumeMounts) > 0 {
			t.Errorf("volumes %+v, mounts %+v: want none", ps.Volumes, c.VolumeMounts)
		}
	case len(ps.Volumes) != 1 || len(c.VolumeMounts) != 1 || ps.Volumes[0].Name != c.VolumeMounts[0].Name ||
		c.VolumeMounts[0].MountPath != "/var/lib/lofty-mcp" || c.VolumeMounts[0].ReadOnly:
		t.Errorf("volumes %+v, mounts %+v: want one writable volume at /var/lib/lofty-mcp", ps.Volumes, c.VolumeMounts)
	case w.state == "emptyDir":
		if ps.Volumes[0].EmptyDir == nil {
			t.Errorf("state volume %+v, want an emptyDir", ps.Volumes[0])
		}
	default:
		if pvc := ps.Volumes[0].PersistentVolumeClaim; pvc == nil || pvc.ClaimName != w.state {
			t.Errorf("state volume %+v, want claim %s", ps.Volumes[0], w.state)
		}
	}

	// Environment: secrets by reference only, each plain setting as wanted.
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		if _, dup := env[e.Name]; dup {
			t.Errorf("env %s set twice", e.Name)
		}
		if errs := validation.IsEnvVarName(e.Name); len(errs) > 0 {
			t.Errorf("env %q: %v", e.Name, errs)
		}
		env[e.Name] = e
	}
	var fromSecret []string
	for name, e := range env {
		if e.ValueFrom == nil {
			if slices.Contains(secretVars, name) {
				t.Errorf("env %s has a plain value: secrets come from the Secret", name)
			}
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if ref == nil || e.Value != "" {
			t.Errorf("env %s: %+v, want a secretKeyRef and no value", name, e)
			continue
		}
		if ref.Name != w.secret || ref.Key != name || (ref.Optional != nil && *ref.Optional) {
			t.Errorf("env %s from secret %q key %q (optional %v), want secret %q key %q, required", name, ref.Name, ref.Key, ref.Optional, w.secret, name)
		}
		fromSecret = append(fromSecret, name)
	}
	if got, want := slices.Sorted(slices.Values(fromSecret)), slices.Sorted(slices.Values(w.secretEnv)); !slices.Equal(got, want) {
		t.Errorf("from the Secret: %v, want %v", got, want)
	}
	for name, v := range w.plainEnv {
		if e, ok := env[name]; !ok || e.Value != v || e.ValueFrom != nil {
			t.Errorf("env %s = %+v, want %q", name, env[name], v)
		}
	}
	for _, name := range w.noPlainEnv {
		if e, ok := env[name]; ok && e.ValueFrom == nil {
			t.Errorf("env %s = %q is set; it should not be with these values", name, e.Value)
		}
	}
	hosts := strings.Split(env["LOFTY_MCP_ALLOWED_HOSTS"].Value, ",")
	for _, h := range append([]string{"lofty-mcp", "lofty-mcp.mcp", "lofty-mcp.mcp.svc", serviceHost}, w.hosts...) {
		if !slices.Contains(hosts, h) {
			t.Errorf("LOFTY_MCP_ALLOWED_HOSTS %q lacks %q: lofty-mcp would answer 403 to clients using it", hosts, h)
		}
	}

	// Metrics: the port and the scrape annotations, or neither.
	ann := pod.Annotations
	scrape := ann["prometheus.io/scrape"] == "true" && ann["prometheus.io/port"] == "9090" && ann["prometheus.io/path"] == "/metrics"
	if scrape != w.metrics || (!w.metrics && len(ann) > 0) {
		t.Errorf("pod annotations %v with metrics %v", ann, w.metrics)
	}

	// Service: MCP only, to the pods.
	if !maps.Equal(svc.Spec.Selector, selector) {
		t.Errorf("service selector %v, want %v", svc.Spec.Selector, selector)
	}
	if svc.Spec.Type != corev1.ServiceTypeClusterIP || svc.Spec.SessionAffinity != corev1.ServiceAffinityNone ||
		len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].TargetPort != intstr.FromString("http") {
		t.Errorf("service spec %+v: want ClusterIP, no session affinity, one port http -> http", svc.Spec)
	}

	// PodDisruptionBudget: the same pods, one down at a time.
	if !maps.Equal(pdb.Spec.Selector.MatchLabels, selector) || pdb.Spec.MaxUnavailable == nil || *pdb.Spec.MaxUnavailable != intstr.FromInt32(1) {
		t.Errorf("pdb %+v", pdb.Spec)
	}

	// Ingress: to the Service's port.
	if w.ingress != "" {
		ing := o.Ingress
		if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != w.ingress || ing.Spec.Rules[0].HTTP == nil {
			t.Fatalf("ingress rules %+v", ing.Spec.Rules)
		}
		for _, p := range ing.Spec.Rules[0].HTTP.Paths {
			b := p.Backend.Service
			if b == nil || b.Name != svc.Name || b.Port.Name != svc.Spec.Ports[0].Name || p.PathType == nil {
				t.Errorf("ingress path %+v does not lead to service %s port %s", p, svc.Name, svc.Spec.Ports[0].Name)
			}
		}
		if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" || len(ing.Spec.TLS) != 1 {
			t.Errorf("ingress class %v, tls %+v", ing.Spec.IngressClassName, ing.Spec.TLS)
		}
	}

	// NOTES.txt names every key the pods need, in a command that creates them.
	for _, k := range w.secretEnv {
		if !strings.Contains(o.Notes, "--from-literal="+k+"=") {
			t.Errorf("NOTES.txt does not say to create %s:\n%s", k, o.Notes)
		}
	}
	if !strings.Contains(o.Notes, "create secret generic "+w.secret) {
		t.Errorf("NOTES.txt does not name the Secret %s:\n%s", w.secret, o.Notes)
	}
}

// Values the chart refuses, each with a message saying what to do.
func TestChartRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		name, values, kube, want string
	}{
		{"no authentication", `auth: {token: false}`, "", "lofty-mcp refuses to serve the pod's address unauthenticated"},
		{"oauth without a public URL", `oauth: {enabled: true}`, "", "oauth.enabled needs oauth.publicURL"},
		{"oauth, two replicas, no redis", `oauth: {enabled: true, publicURL: "https://mcp.example.com"}`, "", "needs redis.enabled"},
		{"redis without a URL", `redis: {enabled: true}`, "", "redis.enabled needs redis.url"},
		{"redis URL twice", `redis: {enabled: true, url: "redis://r:6379", urlFromSecret: true}`, "", "not both"},
		{"a secret in env", `env: {LOFTY_API_KEY: abc}`, "", "env.LOFTY_API_KEY: secret settings come from the Secret"},
		{"a chart setting in env", `env: {LOFTY_MCP_ADDR: "0.0.0.0:9000"}`, "", "env.LOFTY_MCP_ADDR is set by the chart"},
		{"the state directory in env", `env: {LOFTY_MCP_STATE_DIR: /data}`, "", "env.LOFTY_MCP_STATE_DIR is set by the chart"},
		{"a privacy contact on two lines", "oauth: {privacyContact: \"a\\nb\"}", "", "privacyContact"},
		{"a misspelt value", `replicas: 3`, "", "replicas"},
		{"a misspelt nested value", `metrics: {enable: true}`, "", "enable"},
		{"an unknown credential kind", `lofty: {credential: token}`, "", "credential"},
		{"metrics on the MCP port", `metrics: {enabled: true, port: 8080}`, "", "port"},
		{"a public URL without a scheme", `oauth: {enabled: true, publicURL: "mcp.example.com"}`, "", "publicURL"},
		{"an old cluster", ``, "v1.24.0", "chart requires kubeVersion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := render(t, values(t, tc.values), tc.kube)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("rendering %q: %v, want an error saying %q", tc.values, err, tc.want)
			}
		})
	}
}

// The chart runs the image of the lofty-mcp version server.json describes.
func TestChartAppVersionIsServerJSONVersion(t *testing.T) {
	b, err := os.ReadFile("../../server.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if got := theChart(t).Metadata.AppVersion; got != s.Version {
		t.Errorf("Chart.yaml appVersion %q, server.json version %q: bump them together", got, s.Version)
	}
}

// Every value the chart takes is in values.yaml (documented there) and in
// values.schema.json, and the other way round.
func TestValuesFileAndSchemaAgree(t *testing.T) {
	ch := theChart(t)
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(ch.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	inValues := slices.Sorted(maps.Keys(ch.Values))
	inSchema := slices.Sorted(maps.Keys(schema.Properties))
	if !slices.Equal(inValues, inSchema) {
		t.Errorf("values.yaml keys %v\nschema keys %v", inValues, inSchema)
	}
	for _, k := range inValues {
		sub, ok := ch.Values[k].(map[string]any)
		if !ok {
			continue
		}
		var s struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(schema.Properties[k], &s); err != nil {
			t.Fatal(err)
		}
		if s.Properties == nil {
			continue // a free-form map (env, resources, annotations)
		}
		for sk := range sub {
			if _, ok := s.Properties[sk]; !ok {
				t.Errorf("values.yaml %s.%s is not in the schema", k, sk)
			}
		}
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(chartDir); err != nil {
		fmt.Fprintln(os.Stderr, "run from deploy/helm:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
