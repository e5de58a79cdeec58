// kubecheck decodes rendered manifests strictly into the Kubernetes API's own Go types: an unknown or
// misspelt field, or a value of the wrong type, fails. It is the offline stand-in for kubeconform, whose
// JSON schemas cannot be downloaded here. Kinds without Go types in k8s.io/api (KEDA, Prometheus
// Operator CRDs) are reported as skipped.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

func typed(apiVersion, kind string) any {
	switch apiVersion + "/" + kind {
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}
	case "v1/Service":
		return &corev1.Service{}
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}
	case "v1/Secret":
		return &corev1.Secret{}
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}
	}
	return nil
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	failed := false
	for _, doc := range bytes.Split(input, []byte("\n---")) {
		if len(bytes.TrimSpace(doc)) == 0 || strings.TrimSpace(stripComments(string(doc))) == "" {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			fmt.Printf("invalid YAML: %v\n", err)
			failed = true
			continue
		}
		target := typed(head.APIVersion, head.Kind)
		if target == nil {
			fmt.Printf("skipped %s %s\n", head.APIVersion, head.Kind)
			continue
		}
		// The API server's own decoder: case-sensitive field names (encoding/json would accept
		// readOnlyRootFileSystem for readOnlyRootFilesystem), unknown and duplicate fields reported.
		asJSON, err := yaml.YAMLToJSON(doc)
		if err == nil {
			var strict []error
			strict, err = kjson.UnmarshalStrict(asJSON, target, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
			if err == nil && len(strict) > 0 {
				err = errors.Join(strict...)
			}
		}
		if err != nil {
			fmt.Printf("invalid %s %s: %v\n", head.APIVersion, head.Kind, err)
			failed = true
			continue
		}
		fmt.Printf("valid %s %s\n", head.APIVersion, head.Kind)
	}
	if failed {
		os.Exit(1)
	}
}

func stripComments(doc string) string {
	var kept []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
