.queue VXM.0
 add i32, s8e, alu, s8w
