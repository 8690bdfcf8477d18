package io.tributary.proto.log;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log record and line: {@code time}, {@code level}, {@code logger},
 * {@code message}, the {@link LogContext} fields (gateway or central id, request id, user,
 * share) and, for a record with an exception, {@code error} with its stack trace. Set it as a
 * handler's formatter, e.g. {@code java.util.logging.ConsoleHandler.formatter=} this class.
 */
public final class JsonLogFormatter extends Formatter {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    @Override
    public String format(LogRecord record) {
        JsonObject line = new JsonObject();
        line.addProperty("time", record.getInstant().toString());
        line.addProperty("level", record.getLevel().getName());
        line.addProperty("logger", record.getLoggerName());
        line.addProperty("message", formatMessage(record));
        LogContext.fields().forEach(line::addProperty);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.addProperty("error", trace.toString());
        }
        return GSON.toJson(line) + System.lineSeparator();
    }
}
