/** Node configuration: YAML bound with Jackson, validated once at load with errors naming file, line and field. */
package io.elara.node.config;
